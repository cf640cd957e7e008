// DescribeGroups: state, protocol and members of each group. A Kafka group shows what its
// members sent (metadata) and were given (assignment) while Stable, as Kafka does; a group that
// spool's own consumers drive is shown as a consumer group with the "spool" assignor, its
// members' assignments written in the consumer protocol. An unknown group is Dead (v6+: also
// GROUP_ID_NOT_FOUND).
import { ErrorCode } from '../../common/error-codes.js';
import type { GroupOverview } from '../../broker/group-directory.js';
import type { KafkaContext } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import type { ClassicGroup } from '../groups/classic-group.js';
import { CONSUMER_PROTOCOL_TYPE, encodeAssignment } from '../protocol/consumer-protocol.js';
import { DESCRIBE_GROUPS, type DescribeGroupsRequest, type DescribeGroupsResponse, type DescribedGroup } from '../protocol/apis/describe-groups.js';
import { GROUP_OPERATIONS, authorizedOperations } from '../authorized-operations.js';
import { kafkaStateName } from './list-groups.js';

const NOT_FOUND_FROM = 6;

export const describeGroupsApi = kafkaApi<DescribeGroupsRequest, DescribeGroupsResponse>(DESCRIBE_GROUPS, (ctx, request, version) => ({
  throttleTimeMs: 0,
  groups: request.groups.map((groupId) => {
    const described = describe(ctx, groupId, version);
    return { ...described, authorizedOperations: authorizedOperations(request.includeAuthorizedOperations, GROUP_OPERATIONS) };
  }),
}));

function describe(ctx: KafkaContext, groupId: string, version: number): Omit<DescribedGroup, 'authorizedOperations'> {
  const held = ctx.groups.group(groupId);
  if (held !== undefined && !held.is('Dead')) return describeClassic(held);
  const overview = ctx.broker.groupDirectory.overview(groupId);
  if (overview !== undefined) return describeOverview(overview);
  return {
    errorCode: version >= NOT_FOUND_FROM ? ErrorCode.GroupIdNotFound : ErrorCode.None,
    errorMessage: version >= NOT_FOUND_FROM ? `group ${groupId} not found` : null,
    groupId,
    groupState: 'Dead',
    protocolType: '',
    protocolData: '',
    members: [],
  };
}

function describeClassic(group: ClassicGroup): Omit<DescribedGroup, 'authorizedOperations'> {
  const stable = group.is('Stable');
  return {
    errorCode: ErrorCode.None,
    errorMessage: null,
    groupId: group.name,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0)) : Buffer.alloc(0),
      memberAssignment: stable ? m.assignment : Buffer.alloc(0),
    })),
  };
}

/** A group Kafka's coordinator does not hold: spool's own, or one no member is in. */
function describeOverview(group: GroupOverview): Omit<DescribedGroup, 'authorizedOperations'> {
  const live = group.members.length > 0;
  return {
    errorCode: ErrorCode.None,
    errorMessage: null,
    groupId: group.name,
    groupState: kafkaStateName(group.state),
    protocolType: live || group.protocol === 'spool' ? CONSUMER_PROTOCOL_TYPE : '',
    protocolData: live ? 'spool' : '',
    members: group.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: null,
      clientId: m.clientId,
      clientHost: `/${m.host}`,
      memberMetadata: Buffer.alloc(0),
      memberAssignment: encodeAssignment(m.assignment),
    })),
  };
}
