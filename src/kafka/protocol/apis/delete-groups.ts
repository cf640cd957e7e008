// DeleteGroups (key 42): an admin deletes empty groups and their committed offsets
// (NON_EMPTY_GROUP while members remain).
//
// Version history, from Apache Kafka's DeleteGroupsRequest.json / Response.json (4.2):
// v1 is v0 with throttling after the response; v2 is the first flexible version. Nothing was
// removed in 4.0: 0-2.

import type { ApiSchema } from '../schema.js';

export const DELETE_GROUPS: ApiSchema = {
  apiKey: 42,
  name: 'DeleteGroups',
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: [{ name: 'groupsNames', type: { arrayOf: 'string' }, versions: '0+' }],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: {
        arrayOf: [
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
        ],
      },
      versions: '0+',
    },
  ],
};

export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeletableGroupResult {
  groupId: string;
  errorCode: number;
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeletableGroupResult[];
}
