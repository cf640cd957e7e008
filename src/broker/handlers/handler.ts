// The shape of a request handler, and the wrapper that gives the JSON-bodied control requests
// typed input and output. A handler throws a SpoolError (with its protocol code) to refuse.
import { decodeJsonBody, encodeJsonBody } from '../../protocol/json-body.js';
import type { BrokerContext, SessionInfo } from '../broker-context.js';

export type ResponseBody = Buffer[];
export type Handler = (ctx: BrokerContext, body: Buffer, session: SessionInfo) => ResponseBody | Promise<ResponseBody>;

export function jsonHandler<Req, Res>(
  parse: (value: unknown) => Req,
  handle: (ctx: BrokerContext, request: Req, session: SessionInfo) => Res | Promise<Res>,
): Handler {
  return (ctx, body, session) => {
    const result = handle(ctx, parse(decodeJsonBody(body)), session);
    return result instanceof Promise ? result.then(encodeJsonBody) : encodeJsonBody(result);
  };
}

export function noParams(): Record<string, never> {
  return {};
}
