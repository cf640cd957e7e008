// OffsetFetch: a group's committed offsets, from the one store both kinds of groups commit to
// (what `spool consume -g` committed is what a Kafka consumer of the same group resumes from).
// v8+ asks for several groups; topics null means every partition the group has committed.
// requireStable is moot: spool has no transactions, so no offset is ever pending.
import { ErrorCode } from '../../common/error-codes.js';
import type { CommittedOffset } from '../../storage/group-store.js';
import type { KafkaContext } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  OFFSET_FETCH,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type OffsetFetchResponseGroupTopic,
  type OffsetFetchResponsePartition,
} from '../protocol/apis/offset-fetch.js';
import { ZERO_UUID, fromWireUuid, toWireUuid } from '../topic-ids.js';

const GROUPS_FROM = 8;
const TOPIC_IDS_FROM = 10;

interface WantedTopic {
  name: string | null;
  topicId: string;
  partitionIndexes: number[];
}

export const offsetFetchApi = kafkaApi<OffsetFetchRequest, OffsetFetchResponse>(OFFSET_FETCH, (ctx, request, version) => {
  if (version >= GROUPS_FROM) {
    const groups = request.groups.map((g) => ({
      groupId: g.groupId,
      topics: fetch(ctx, g.groupId, g.topics?.map((t) => ({ name: version >= TOPIC_IDS_FROM ? null : t.name, topicId: t.topicId, partitionIndexes: t.partitionIndexes })) ?? null, version),
      errorCode: ErrorCode.None,
    }));
    return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.None, groups };
  }
  const topics = fetch(ctx, request.groupId, request.topics?.map((t) => ({ name: t.name, topicId: ZERO_UUID, partitionIndexes: t.partitionIndexes })) ?? null, version);
  return { throttleTimeMs: 0, topics: topics.map((t) => ({ name: t.name, partitions: t.partitions })), errorCode: ErrorCode.None, groups: [] };
});

function fetch(ctx: KafkaContext, groupId: string, wanted: WantedTopic[] | null, version: number): OffsetFetchResponseGroupTopic[] {
  const stored = ctx.broker.groupDirectory.store.offsets(groupId);
  const byKey = new Map(stored.map((o) => [`${o.topic}\u0000${o.partition}`, o]));
  const logs = ctx.broker.logs;
  const idOf = (name: string) => {
    const topic = logs.topic(name);
    return topic === undefined ? ZERO_UUID : toWireUuid(topic.uuid);
  };
  if (wanted === null) {
    const byTopic = new Map<string, CommittedOffset[]>();
    for (const o of stored) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    return [...byTopic].map(([name, offsets]) => ({ name, topicId: version >= TOPIC_IDS_FROM ? idOf(name) : ZERO_UUID, partitions: offsets.map(answer) }));
  }
  return wanted.map((t) => {
    const name = t.name ?? logs.topicByUuid(fromWireUuid(t.topicId))?.name ?? null;
    if (name === null) {
      return { name: '', topicId: t.topicId, partitions: t.partitionIndexes.map((p) => ({ ...none(p), errorCode: ErrorCode.UnknownTopicId })) };
    }
    return { name, topicId: t.topicId, partitions: t.partitionIndexes.map((p) => {
      const o = byKey.get(`${name}\u0000${p}`);
      return o === undefined ? none(p) : answer(o);
    }) };
  });
}

function answer(o: CommittedOffset): OffsetFetchResponsePartition {
  return { partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, metadata: o.metadata ?? '', errorCode: ErrorCode.None };
}

/** Nothing committed: offset -1 and empty metadata, as Kafka answers. */
function none(partition: number): OffsetFetchResponsePartition {
  return { partitionIndex: partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.None };
}
