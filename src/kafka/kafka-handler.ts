// The shape of a Kafka API handler and the table entry that pairs it with its schema. A handler
// gets the decoded request of the version the client chose and returns the response body for that
// version (the codec leaves out fields the version lacks), or NO_RESPONSE when Kafka sends none
// (Produce with acks=0). Errors Kafka reports per topic or partition go into the response; a
// throw is a broken request or a bug, and closes the connection.
import type { ApiSchema } from './protocol/schema.js';
import type { KafkaContext, KafkaSession } from './kafka-context.js';

export const NO_RESPONSE = Symbol('no response');
export type NoResponse = typeof NO_RESPONSE;

export type KafkaResult<Res> = Res | NoResponse | Promise<Res | NoResponse>;

export interface KafkaApi {
  readonly schema: ApiSchema;
  handle(ctx: KafkaContext, request: object, version: number, session: KafkaSession): KafkaResult<object>;
}

/** Pair a schema with its typed handler; the codec's output is trusted to match Req. */
export function kafkaApi<Req extends object, Res extends object>(
  schema: ApiSchema,
  handle: (ctx: KafkaContext, request: Req, version: number, session: KafkaSession) => KafkaResult<Res>,
): KafkaApi {
  return { schema, handle: (ctx, request, version, session) => handle(ctx, request as Req, version, session) };
}
