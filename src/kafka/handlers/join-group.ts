// JoinGroup: a member joins a classic group; the answer waits until the join phase ends (see
// groups/classic-group-coordinator.ts), and the connection serves nothing else meanwhile, as a
// Kafka broker mutes it. v0 has no rebalance timeout: the session timeout stands in, as in Kafka.
import { kafkaApi } from '../kafka-handler.js';
import { JOIN_GROUP, type JoinGroupRequest, type JoinGroupResponse } from '../protocol/apis/join-group.js';
import type { JoinResult } from '../groups/classic-group.js';

/** KIP-394: from v4 a member without an id is first given one and asked to join again with it. */
const REQUIRE_KNOWN_MEMBER_ID_FROM = 4;

export const joinGroupApi = kafkaApi<JoinGroupRequest, JoinGroupResponse>(JOIN_GROUP, async (ctx, request, version, session) => {
  const result = await ctx.groups.join({
    groupId: request.groupId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    requireKnownMemberId: version >= REQUIRE_KNOWN_MEMBER_ID_FROM,
    clientId: session.clientId,
    clientHost: session.clientHost,
    rebalanceTimeoutMs: version === 0 || request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
    sessionTimeoutMs: request.sessionTimeoutMs,
    protocolType: request.protocolType,
    protocols: request.protocols,
    reason: request.reason,
  });
  return joinGroupResponse(result, version);
});

function joinGroupResponse(result: JoinResult, version: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Nullable from v7; before that an error carries an empty name.
    protocolName: result.protocolName ?? (version >= 7 ? null : ''),
    leader: result.leaderId,
    skipAssignment: false,
    memberId: result.memberId,
    members: result.members,
  };
}
