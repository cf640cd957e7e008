// LeaveGroup: members leave at once (v3+: several, or a static member by instance id alone), so
// the others rebalance without waiting for a session timeout. Before v3 the one member's error
// is the response's.
import { ErrorCode } from '../../common/error-codes.js';
import { kafkaApi } from '../kafka-handler.js';
import { LEAVE_GROUP, type LeaveGroupRequest, type LeaveGroupResponse } from '../protocol/apis/leave-group.js';

const BATCHED_FROM = 3;

export const leaveGroupApi = kafkaApi<LeaveGroupRequest, LeaveGroupResponse>(LEAVE_GROUP, (ctx, request, version) => {
  const leaving = version >= BATCHED_FROM ? request.members : [{ memberId: request.memberId, groupInstanceId: null, reason: null }];
  const result = ctx.groups.leave(request.groupId, leaving);
  const members = result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: m.errorCode }));
  if (version >= BATCHED_FROM) return { throttleTimeMs: 0, errorCode: result.errorCode, members };
  const errorCode = result.errorCode !== ErrorCode.None ? result.errorCode : (members[0]?.errorCode ?? ErrorCode.None);
  return { throttleTimeMs: 0, errorCode, members: [] };
});
