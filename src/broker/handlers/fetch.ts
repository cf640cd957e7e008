// Fetch: read whole batches from each asked partition up to the request's byte budget, waiting
// for min_bytes within the max wait as Kafka's DelayedFetch does (broker/fetch-wait.ts).
import { ErrorCode } from '../../common/error-codes.js';
import {
  decodeFetchRequest,
  encodeFetchResponse,
  type FetchPartitionResult,
  type FetchRequest,
  type FetchTopicResult,
} from '../../protocol/messages/fetch.js';
import type { BrokerContext } from '../broker-context.js';
import { readWhenReady } from '../fetch-wait.js';
import { readPartition } from '../partition-read.js';
import type { Handler } from './handler.js';

export const handleFetch: Handler = (ctx, body, session) => {
  const request = decodeFetchRequest(body);
  const partitions = request.topics.flatMap((t) => t.partitions.map((p) => [t.topic, p.partition] as const));
  const wait = { owner: session, partitions, maxWaitMs: request.maxWaitMs, minBytes: request.minBytes };
  const read = () => {
    const round = readAll(ctx, request);
    return { ...round, result: round.topics };
  };
  const topics = readWhenReady(ctx, wait, read, (unsent) => release(ctx, unsent));
  return topics instanceof Promise ? topics.then((t) => answer(ctx, t)) : answer(ctx, topics);
};

/** Give back the memory of reads that will not be sent (too little for min_bytes). */
function release(ctx: BrokerContext, topics: readonly FetchTopicResult[]): void {
  for (const t of topics) for (const p of t.partitions) ctx.buffers.give(p.records);
}

/** The response, counting what it serves (a read that was not sent is not traffic). */
function answer(ctx: BrokerContext, topics: FetchTopicResult[]): Buffer[] {
  for (const t of topics) for (const p of t.partitions) ctx.stats.served(t.topic, p.partition, p.records);
  return encodeFetchResponse(topics);
}

function readAll(ctx: BrokerContext, request: FetchRequest): { topics: FetchTopicResult[]; bytes: number; errors: number } {
  let budget = Math.max(request.maxBytes, 1);
  let bytes = 0;
  let errors = 0;
  const topics = request.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p): FetchPartitionResult => {
      const result = { partition: p.partition, ...readPartition(ctx.logs.topic(t.topic), p.partition, p.fetchOffset, Math.min(p.maxBytes, budget), ctx.buffers) };
      if (result.errorCode !== ErrorCode.None) errors++;
      bytes += result.records.length;
      budget -= result.records.length;
      return result;
    }),
  }));
  return { topics, bytes, errors };
}
