// JoinGroup, Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch: the member side of consumer
// groups, handed to the GroupCoordinator.
import { parseHeartbeatRequest } from '../../protocol/messages/heartbeat.js';
import { parseJoinGroupRequest } from '../../protocol/messages/join-group.js';
import { parseLeaveGroupRequest } from '../../protocol/messages/leave-group.js';
import { parseOffsetCommitRequest } from '../../protocol/messages/offset-commit.js';
import { parseOffsetFetchRequest, type OffsetFetchResponse } from '../../protocol/messages/offset-fetch.js';
import { tpKey } from '../group-assignor.js';
import { jsonHandler } from './handler.js';

export const handleJoinGroup = jsonHandler(parseJoinGroupRequest, (ctx, request, session) => {
  const response = ctx.groups.join(request, (callback) => session.onClose(callback));
  return response;
});

export const handleHeartbeat = jsonHandler(parseHeartbeatRequest, (ctx, request) => ctx.groups.heartbeat(request));

export const handleLeaveGroup = jsonHandler(parseLeaveGroupRequest, (ctx, request) => {
  ctx.groups.leave(request.group, request.memberId);
  return {};
});

export const handleOffsetCommit = jsonHandler(parseOffsetCommitRequest, (ctx, request) => {
  ctx.groups.commit(request.group, request.memberId, request.memberEpoch, request.offsets);
  return {};
});

export const handleOffsetFetch = jsonHandler(parseOffsetFetchRequest, (ctx, request): OffsetFetchResponse => {
  const committed = ctx.groups.committed(request.group);
  return { offsets: request.partitions.map((tp) => ({ ...tp, offset: committed.get(tpKey(tp)) ?? null })) };
});
