// ListGroups (key 16): every group the broker coordinates, for admin tools.
//
// Version history, from Apache Kafka's ListGroupsRequest.json / Response.json (4.2):
// v1 adds throttle time to the response; v3 is the first flexible version; v4 adds StatesFilter and
// each group's GroupState (KIP-518); v5 adds TypesFilter and each group's GroupType ("classic",
// "consumer", "share", "streams"; KIP-848). Nothing was removed in 4.0: 0-5.

import type { ApiSchema } from '../schema.js';

export const LIST_GROUPS: ApiSchema = {
  apiKey: 16,
  name: 'ListGroups',
  validVersions: '0-5',
  flexibleVersions: '3+',
  request: [
    { name: 'statesFilter', type: { arrayOf: 'string' }, versions: '4+' },
    { name: 'typesFilter', type: { arrayOf: 'string' }, versions: '5+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups',
      type: {
        arrayOf: [
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'protocolType', type: 'string', versions: '0+' },
          { name: 'groupState', type: 'string', versions: '4+' },
          { name: 'groupType', type: 'string', versions: '5+' },
        ],
      },
      versions: '0+',
    },
  ],
};

export interface ListGroupsRequest {
  /** Empty: every state. Compared case-insensitively by Kafka. */
  statesFilter: string[];
  /** Empty: every type. */
  typesFilter: string[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}
