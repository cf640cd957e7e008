// Fetch: read whole batches from each asked partition up to the request's byte budget, waiting
// for min_bytes within the max wait as Kafka's DelayedFetch does (broker/fetch-wait.ts).
// LocalFetch is the same, except that a partition with at least min_file_bytes to read in one
// segment is answered with where they lie, for the client on this machine to read itself.
import { ErrorCode } from '../../common/error-codes.js';
import {
  decodeFetchRequest,
  encodeFetchResponse,
  type FetchPartitionResult,
  type FetchRequest,
  type FetchTopicResult,
} from '../../protocol/messages/fetch.js';
import { decodeLocalFetchRequest, encodeLocalFetchResponse } from '../../protocol/messages/local-fetch.js';
import type { BrokerContext } from '../broker-context.js';
import { readWhenReady } from '../fetch-wait.js';
import { readOrLocatePartition, readPartition, type PartitionRead } from '../partition-read.js';
import type { Handler } from './handler.js';

type Encode = (topics: readonly FetchTopicResult[]) => Buffer[];

/** A topic's part of the answer, with what the broker knows of each file range beyond the wire. */
interface TopicRead {
  topic: string;
  partitions: Array<FetchPartitionResult & PartitionRead>;
}

export const handleFetch: Handler = (ctx, body, session) => serveFetch(ctx, session, decodeFetchRequest(body), null, encodeFetchResponse);

export const handleLocalFetch: Handler = (ctx, body, session) => {
  const { fetch, minFileBytes } = decodeLocalFetchRequest(body);
  return serveFetch(ctx, session, fetch, Math.max(minFileBytes, 1), encodeLocalFetchResponse);
};

/** `minFileBytes`: null answers with bytes only (Fetch). */
function serveFetch(ctx: BrokerContext, session: object, request: FetchRequest, minFileBytes: number | null, encode: Encode): Buffer[] | Promise<Buffer[]> {
  const partitions = request.topics.flatMap((t) => t.partitions.map((p) => [t.topic, p.partition] as const));
  const wait = { owner: session, partitions, maxWaitMs: request.maxWaitMs, minBytes: request.minBytes };
  const read = () => {
    const round = readAll(ctx, request, minFileBytes);
    // Not `{ ...round, result }`: see readPartitionResult (protocol/messages/fetch.ts). Here it
    // grew the broker's old generation by 0.3 MB/s while a tail followed a topic.
    return { result: round.topics, bytes: round.bytes, errors: round.errors };
  };
  const topics = readWhenReady(ctx, wait, read, (unsent) => release(ctx, unsent));
  return topics instanceof Promise ? topics.then((t) => answer(ctx, request, t, encode)) : answer(ctx, request, topics, encode);
}

/** Give back the memory of reads that will not be sent (too little for min_bytes). */
function release(ctx: BrokerContext, topics: readonly TopicRead[]): void {
  for (const t of topics) for (const p of t.partitions) ctx.buffers.give(p.records);
}

/** The response, counting what it serves (a read that was not sent is not traffic). */
function answer(ctx: BrokerContext, request: FetchRequest, topics: TopicRead[], encode: Encode): Buffer[] {
  topics.forEach((t, i) =>
    t.partitions.forEach((p, j) => {
      const file = p.file;
      if (file === undefined) {
        ctx.stats.served(t.topic, p.partition, p.records);
        return;
      }
      // A range may start a few batches before the fetch offset (the index's floor): those are not counted.
      ctx.stats.servedRange(t.topic, p.partition, file.end - file.position, file.endOffset - request.topics[i]!.partitions[j]!.fetchOffset);
    }),
  );
  return encode(topics);
}

function readAll(ctx: BrokerContext, request: FetchRequest, minFileBytes: number | null): { topics: TopicRead[]; bytes: number; errors: number } {
  let budget = Math.max(request.maxBytes, 1);
  let bytes = 0;
  let errors = 0;
  const topics = request.topics.map((t) => {
    const topic = ctx.logs.topic(t.topic);
    return {
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const maxBytes = Math.min(p.maxBytes, budget);
        const read =
          minFileBytes === null
            ? readPartition(topic, p.partition, p.fetchOffset, maxBytes, ctx.buffers)
            : readOrLocatePartition(topic, p.partition, p.fetchOffset, maxBytes, minFileBytes, ctx.buffers);
        if (read.errorCode !== ErrorCode.None) errors++;
        // A file range counts as the bytes it holds, towards min_bytes and against max_bytes.
        const served = read.file === undefined ? read.records.length : read.file.end - read.file.position;
        bytes += served;
        budget -= served;
        return { partition: p.partition, ...read };
      }),
    };
  });
  return { topics, bytes, errors };
}
