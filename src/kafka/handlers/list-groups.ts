// ListGroups: every group, Kafka's and spool's own (one namespace), with Kafka's state names.
// v4+ filters by state (case-insensitive), v5+ by type: every group here is "classic" (spool's
// own groups are shown as classic consumer groups, as DescribeGroups describes them).
import { ErrorCode } from '../../common/error-codes.js';
import type { GroupStateName } from '../../protocol/messages/group-admin.js';
import { kafkaApi } from '../kafka-handler.js';
import { LIST_GROUPS, type ListGroupsRequest, type ListGroupsResponse, type ListedGroup } from '../protocol/apis/list-groups.js';
import { CONSUMER_PROTOCOL_TYPE } from '../protocol/consumer-protocol.js';

const GROUP_TYPE = 'classic';

export const listGroupsApi = kafkaApi<ListGroupsRequest, ListGroupsResponse>(LIST_GROUPS, (ctx, request) => {
  const states = new Set(request.statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(request.typesFilter.map((t) => t.toLowerCase()));
  const groups: ListedGroup[] = [];
  for (const overview of ctx.broker.groupDirectory.overviews()) {
    const held = ctx.groups.group(overview.name);
    const listed: ListedGroup =
      held !== undefined && !held.is('Dead')
        ? { groupId: held.name, protocolType: held.protocolType ?? '', groupState: held.state, groupType: GROUP_TYPE }
        : {
            groupId: overview.name,
            protocolType: overview.protocol === 'spool' ? CONSUMER_PROTOCOL_TYPE : (ctx.broker.groupDirectory.row(overview.name)?.protocolType ?? ''),
            groupState: kafkaStateName(overview.state),
            groupType: GROUP_TYPE,
          };
    if (states.size > 0 && !states.has(listed.groupState.toLowerCase())) continue;
    if (types.size > 0 && !types.has(GROUP_TYPE)) continue;
    groups.push(listed);
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.None, groups };
});

/** spool's state words in Kafka's names. */
export function kafkaStateName(state: GroupStateName): string {
  switch (state) {
    case 'empty':
      return 'Empty';
    case 'rebalancing':
      return 'PreparingRebalance';
    case 'stable':
      return 'Stable';
    case 'dead':
      return 'Dead';
  }
}
