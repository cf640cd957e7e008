// Fetch: stored batches as they are, up to the request's max bytes and each partition's, with a
// long poll through max wait and min bytes (broker/fetch-wait.ts, the same as the socket's).
// Fetch sessions (KIP-227) are declined the way a Kafka broker with a full session cache declines
// them: every answer carries session id 0, so clients keep sending full fetch requests; an
// incremental request for a session spool never opened gets FETCH_SESSION_ID_NOT_FOUND.
// No transactions are stored, so the last stable offset is the high watermark.
import { ErrorCode } from '../../common/error-codes.js';
import { readWhenReady } from '../../broker/fetch-wait.js';
import { readPartition } from '../../broker/partition-read.js';
import type { Topic } from '../../storage/log-manager.js';
import type { KafkaContext } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  FETCH,
  type FetchRequest,
  type FetchResponse,
  type FetchPartitionData,
  type FetchableTopicResponse,
} from '../protocol/apis/fetch.js';
import { ZERO_UUID, fromWireUuid } from '../topic-ids.js';

/** The first version that names topics by id instead of by name. */
const TOPIC_ID_VERSION = 13;
const READ_COMMITTED = 1;

export const fetchApi = kafkaApi<FetchRequest, FetchResponse>(FETCH, (ctx, request, version, session) => {
  if (request.sessionId !== 0 && request.sessionEpoch > 0) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.FetchSessionIdNotFound, sessionId: 0, responses: [], nodeEndpoints: [] };
  }
  const byId = version >= TOPIC_ID_VERSION;
  const logs = ctx.broker.logs;
  const topics = request.topics.map((t) => ({ wanted: t, topic: byId ? logs.topicByUuid(fromWireUuid(t.topicId)) : logs.topic(t.topic) }));
  const partitions = topics.flatMap(({ wanted, topic }) => (topic === undefined ? [] : wanted.partitions.map((p) => [topic.name, p.partition] as const)));
  const wait = { owner: session, partitions, maxWaitMs: request.maxWaitMs, minBytes: request.minBytes };
  const read = () => readAll(ctx, request, topics, byId);
  const done = (responses: FetchableTopicResponse[]): FetchResponse => {
    for (const r of responses) for (const p of r.partitions) if (Buffer.isBuffer(p.records)) ctx.broker.stats.served(r.topic, p.partitionIndex, p.records);
    return { throttleTimeMs: 0, errorCode: ErrorCode.None, sessionId: 0, responses, nodeEndpoints: [] };
  };
  const result = readWhenReady(ctx.broker, wait, read);
  return result instanceof Promise ? result.then(done) : done(result);
});

interface WantedTopic {
  wanted: FetchRequest['topics'][number];
  topic: Topic | undefined;
}

function readAll(ctx: KafkaContext, request: FetchRequest, topics: readonly WantedTopic[], byId: boolean) {
  let budget = Math.max(request.maxBytes, 1);
  let bytes = 0;
  let errors = 0;
  const committedOnly = request.isolationLevel === READ_COMMITTED;
  const result = topics.map(({ wanted, topic }): FetchableTopicResponse => ({
    topic: topic?.name ?? wanted.topic,
    topicId: byId ? wanted.topicId : ZERO_UUID,
    partitions: wanted.partitions.map((p): FetchPartitionData => {
      const read = readPartition(topic, p.partition, p.fetchOffset, Math.min(p.partitionMaxBytes, budget));
      const errorCode = topic === undefined && byId ? ErrorCode.UnknownTopicId : read.errorCode;
      if (errorCode !== ErrorCode.None) errors++;
      bytes += read.records.length;
      budget -= read.records.length;
      ctx.broker.memory.account(read.records.length);
      return {
        partitionIndex: p.partition,
        errorCode,
        highWatermark: read.highWatermark,
        lastStableOffset: read.highWatermark,
        logStartOffset: read.logStartOffset,
        abortedTransactions: committedOnly ? [] : null,
        preferredReadReplica: -1,
        records: read.records,
      };
    }),
  }));
  return { result, bytes, errors };
}
