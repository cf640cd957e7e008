// DescribeGroups (key 15): the state, protocol and members (with their metadata and assignment) of
// classic groups, for admin tools such as `kafka-consumer-groups --describe`.
//
// Version history, from Apache Kafka's DescribeGroupsRequest.json / Response.json (4.2):
// v1 adds throttle time to the response; v3 adds IncludeAuthorizedOperations and the
// AuthorizedOperations bit field; v4 adds each member's GroupInstanceId; v5 is the first flexible
// version; v6 answers GROUP_ID_NOT_FOUND for an unknown group (KIP-1043) and adds an ErrorMessage
// (earlier versions describe an unknown group as a Dead one with no error). Nothing was removed in
// 4.0: 0-6.

import type { ApiSchema } from '../schema.js';

/** Kafka's "authorized operations were not asked for" (INT32_MIN). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const DESCRIBE_GROUPS: ApiSchema = {
  apiKey: 15,
  name: 'DescribeGroups',
  validVersions: '0-6',
  flexibleVersions: '5+',
  request: [
    { name: 'groups', type: { arrayOf: 'string' }, versions: '0+' },
    { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'groups',
      type: {
        arrayOf: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'groupState', type: 'string', versions: '0+' },
          { name: 'protocolType', type: 'string', versions: '0+' },
          { name: 'protocolData', type: 'string', versions: '0+' },
          {
            name: 'members',
            type: {
              arrayOf: [
                { name: 'memberId', type: 'string', versions: '0+' },
                { name: 'groupInstanceId', type: 'string', versions: '4+', nullableVersions: '4+', default: null },
                { name: 'clientId', type: 'string', versions: '0+' },
                { name: 'clientHost', type: 'string', versions: '0+' },
                { name: 'memberMetadata', type: 'bytes', versions: '0+' },
                { name: 'memberAssignment', type: 'bytes', versions: '0+' },
              ],
            },
            versions: '0+',
          },
          { name: 'authorizedOperations', type: 'int32', versions: '3+', default: AUTHORIZED_OPERATIONS_OMITTED },
        ],
      },
      versions: '0+',
    },
  ],
};

export interface DescribeGroupsRequest {
  groups: string[];
  includeAuthorizedOperations: boolean;
}

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  /** Kafka's names: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead. */
  groupState: string;
  protocolType: string;
  /** The chosen assignor, e.g. "range". */
  protocolData: string;
  members: DescribedGroupMember[];
  authorizedOperations: number;
}

export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}
