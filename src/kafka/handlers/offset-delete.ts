// OffsetDelete: an admin drops a group's committed offsets for some partitions; refused per
// partition (GROUP_SUBSCRIBED_TO_TOPIC) while a live member consumes its topic.
import { kafkaApi } from '../kafka-handler.js';
import { OFFSET_DELETE, type OffsetDeleteRequest, type OffsetDeleteResponse } from '../protocol/apis/offset-delete.js';

export const offsetDeleteApi = kafkaApi<OffsetDeleteRequest, OffsetDeleteResponse>(OFFSET_DELETE, (ctx, request) => {
  const wanted = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
  const { errorCode, results } = ctx.groups.offsets.delete(request.groupId, wanted);
  const errors = new Map(results.map((r) => [`${r.topic}\u0000${r.partition}`, r.errorCode]));
  return {
    errorCode,
    throttleTimeMs: 0,
    topics: errorCode !== 0 ? [] : request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0 })),
    })),
  };
});
