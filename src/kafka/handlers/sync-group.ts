// SyncGroup: the leader hands in every member's assignment; each member's answer waits until
// the leader's has arrived, then carries its own assignment bytes.
import { kafkaApi } from '../kafka-handler.js';
import { SYNC_GROUP, type SyncGroupRequest, type SyncGroupResponse } from '../protocol/apis/sync-group.js';

export const syncGroupApi = kafkaApi<SyncGroupRequest, SyncGroupResponse>(SYNC_GROUP, async (ctx, request) => {
  const result = await ctx.groups.sync({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    protocolType: request.protocolType,
    protocolName: request.protocolName,
    assignments: new Map(request.assignments.map((a) => [a.memberId, a.assignment])),
  });
  return { throttleTimeMs: 0, ...result };
});
