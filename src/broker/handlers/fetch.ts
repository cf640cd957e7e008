// Fetch: read whole batches from each asked partition up to the request's byte budget. When
// nothing at all is there and the client may wait, the fetch parks until an append to one of its
// partitions or its max wait, then reads again and answers.
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
  const first = readAll(ctx, request);
  if (first.bytes > 0 || first.errors > 0 || request.maxWaitMs <= 0) return encodeFetchResponse(first.topics);
  const partitions = request.topics.flatMap((t) => t.partitions.map((p) => [t.topic, p.partition] as const));
  return new Promise((resolve) => {
    ctx.parked.park(session, partitions, request.maxWaitMs, () => resolve(encodeFetchResponse(readAll(ctx, request).topics)));
  });
};

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
      ctx.memory.account(result.records.length);
      budget -= result.records.length;
      return result;
    }),
  }));
  return { topics, bytes, errors };
}

function readPartition(ctx: BrokerContext, topic: string, partition: number, offset: number, maxBytes: number): FetchPartitionResult {
  try {
    const log = ctx.logs.partition(topic, partition);
    const records = maxBytes > 0 ? log.read(offset, maxBytes) : EMPTY;
    ctx.stats.served(topic, records);
    return { partition, errorCode: ErrorCode.None, logStartOffset: log.logStartOffset, highWatermark: log.nextOffset, records };
  } catch (err) {
    if (err instanceof OffsetOutOfRangeError) {
      return { partition, errorCode: err.code, logStartOffset: err.logStartOffset, highWatermark: err.logEndOffset, records: EMPTY };
    }
    if (err instanceof SpoolError) return { partition, errorCode: err.code, logStartOffset: -1, highWatermark: -1, records: EMPTY };
    throw err;
  }
}
