// OffsetDelete (key 47): an admin removes a group's committed offsets for some partitions (refused
// with GROUP_SUBSCRIBED_TO_TOPIC while a live member still consumes them). One version, never
// flexible: 0.

import type { ApiSchema } from '../schema.js';

export const OFFSET_DELETE: ApiSchema = {
  apiKey: 47,
  name: 'OffsetDelete',
  validVersions: '0',
  flexibleVersions: 'none',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: { arrayOf: [{ name: 'partitionIndex', type: 'int32', versions: '0+' }] },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
  ],
  response: [
    // Kafka puts the error first here, unlike every other response.
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
  ],
};

export interface OffsetDeleteRequestTopic {
  name: string;
  partitions: { partitionIndex: number }[];
}

export interface OffsetDeleteRequest {
  groupId: string;
  topics: OffsetDeleteRequestTopic[];
}

export interface OffsetDeleteResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetDeleteResponseTopic {
  name: string;
  partitions: OffsetDeleteResponsePartition[];
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: OffsetDeleteResponseTopic[];
}
