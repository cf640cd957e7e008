// Fetch: read whole batches from each asked partition up to the request's byte budget. When
// less than min_bytes (at least 1) is there, no partition failed and the client may wait, the
// fetch parks until an append to one of its partitions, reads again, and parks once more for the
// rest of its max wait while there is still too little (Kafka's DelayedFetch); when the wait ends
// or the broker stops, it answers with what there is.
import { ErrorCode } from '../../common/error-codes.js';
import { OffsetOutOfRangeError, SpoolError } from '../../common/errors.js';
import {
  decodeFetchRequest,
  encodeFetchResponse,
  type FetchPartitionResult,
  type FetchRequest,
  type FetchTopicResult,
} from '../../protocol/messages/fetch.js';
import type { BrokerContext } from '../broker-context.js';
import type { Handler } from './handler.js';

const EMPTY = Buffer.alloc(0);

export const handleFetch: Handler = (ctx, body, session) => {
  const request = decodeFetchRequest(body);
  const minBytes = Math.max(request.minBytes, 1);
  const first = readAll(ctx, request);
  if (first.bytes >= minBytes || first.errors > 0 || request.maxWaitMs <= 0) return answer(ctx, first.topics);
  release(ctx, first.topics);
  const partitions = request.topics.flatMap((t) => t.partitions.map((p) => [t.topic, p.partition] as const));
  const deadline = performance.now() + request.maxWaitMs;
  return new Promise((resolve) => {
    const park = (waitMs: number) =>
      ctx.parked.park(session, partitions, waitMs, (final) => {
        const again = readAll(ctx, request);
        const left = Math.ceil(deadline - performance.now());
        if (final || again.bytes >= minBytes || again.errors > 0 || left <= 0) {
          resolve(answer(ctx, again.topics));
        } else {
          release(ctx, again.topics);
          park(left);
        }
      });
    park(request.maxWaitMs);
  });
};

/** Give back the memory of reads that will not be sent (too little for min_bytes). */
function release(ctx: BrokerContext, topics: readonly FetchTopicResult[]): void {
  for (const t of topics) for (const p of t.partitions) ctx.buffers.give(p.records);
}

/** The response, counting what it serves (a read that was not sent is not traffic). */
function answer(ctx: BrokerContext, topics: FetchTopicResult[]): Buffer[] {
  for (const t of topics) for (const p of t.partitions) ctx.stats.served(t.topic, p.records);
  return encodeFetchResponse(topics);
}

function readAll(ctx: BrokerContext, request: FetchRequest): { topics: FetchTopicResult[]; bytes: number; errors: number } {
  let budget = Math.max(request.maxBytes, 1);
  let bytes = 0;
  let errors = 0;
  const topics = request.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p): FetchPartitionResult => {
      const result = readPartition(ctx, t.topic, p.partition, p.fetchOffset, Math.min(p.maxBytes, budget));
      if (result.errorCode !== ErrorCode.None) errors++;
      bytes += result.records.length;
      budget -= result.records.length;
      return result;
    }),
  }));
  return { topics, bytes, errors };
}

function readPartition(ctx: BrokerContext, topic: string, partition: number, offset: number, maxBytes: number): FetchPartitionResult {
  try {
    const log = ctx.logs.partition(topic, partition);
    const records = maxBytes > 0 ? log.read(offset, maxBytes, ctx.buffers) : EMPTY;
    return { partition, errorCode: ErrorCode.None, logStartOffset: log.logStartOffset, highWatermark: log.nextOffset, records };
  } catch (err) {
    if (err instanceof OffsetOutOfRangeError) {
      return { partition, errorCode: err.code, logStartOffset: err.logStartOffset, highWatermark: err.logEndOffset, records: EMPTY };
    }
    if (err instanceof SpoolError) return { partition, errorCode: err.code, logStartOffset: -1, highWatermark: -1, records: EMPTY };
    throw err;
  }
}
