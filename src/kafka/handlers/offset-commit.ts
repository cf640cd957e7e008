// OffsetCommit: a consumer stores what it processed, in the one offsets store that `spool
// consume -g` reads too. The group decides first (member, generation, state: as Kafka); a
// partition of a missing topic or with metadata over 4096 bytes gets its own error.
import { ErrorCode } from '../../common/error-codes.js';
import type { OffsetToSave } from '../../storage/group-store.js';
import type { KafkaContext } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  OFFSET_COMMIT,
  type OffsetCommitRequest,
  type OffsetCommitRequestTopic,
  type OffsetCommitResponse,
  type OffsetCommitResponsePartition,
} from '../protocol/apis/offset-commit.js';
import { ZERO_UUID, fromWireUuid } from '../topic-ids.js';

/** Kafka's offset.metadata.max.bytes. */
const MAX_METADATA_CHARS = 4096;
const TOPIC_IDS_FROM = 10;

export const offsetCommitApi = kafkaApi<OffsetCommitRequest, OffsetCommitResponse>(OFFSET_COMMIT, (ctx, request, version) => {
  const results = new Map<OffsetCommitRequestTopic, OffsetCommitResponsePartition[]>();
  const valid: OffsetToSave[] = [];
  const validSlots: OffsetCommitResponsePartition[] = [];
  for (const topic of request.topics) {
    const name = topicName(ctx, topic, version);
    const partitionCount = name === null ? 0 : (ctx.broker.logs.topic(name)?.partitions.length ?? 0);
    const answers = topic.partitions.map((p) => {
      const slot = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.None as number };
      if (p.partitionIndex < 0 || p.partitionIndex >= partitionCount) slot.errorCode = ErrorCode.UnknownTopicOrPartition;
      else if (p.committedMetadata !== null && p.committedMetadata.length > MAX_METADATA_CHARS) slot.errorCode = ErrorCode.OffsetMetadataTooLarge;
      else {
        valid.push({ topic: name!, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata });
        validSlots.push(slot);
      }
      return slot;
    });
    results.set(topic, answers);
  }
  const errorCode = ctx.groups.offsets.commit(
    { groupId: request.groupId, generationId: request.generationIdOrMemberEpoch, memberId: request.memberId, groupInstanceId: request.groupInstanceId },
    valid,
  );
  for (const slot of validSlots) slot.errorCode = errorCode;
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: results.get(t)! })),
  };
});

function topicName(ctx: KafkaContext, topic: OffsetCommitRequestTopic, version: number): string | null {
  if (version < TOPIC_IDS_FROM) return topic.name;
  if (topic.topicId === ZERO_UUID) return null;
  return ctx.broker.logs.topicByUuid(fromWireUuid(topic.topicId))?.name ?? null;
}
