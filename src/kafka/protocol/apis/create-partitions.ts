// CreatePartitions (key 37), versions 0-3, flexible from 2. `count` is the topic's new total;
// assignments (null: the broker chooses) list the replicas of each new partition.
import type { ApiSchema } from '../schema.js';

export interface CreatePartitionsAssignment {
  brokerIds: number[];
}

export interface CreatePartitionsTopic {
  name: string;
  count: number;
  assignments: CreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsRequest {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatePartitionsTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: CreatePartitionsTopicResult[];
}

export const CREATE_PARTITIONS: ApiSchema = {
  apiKey: 37,
  name: 'CreatePartitions',
  validVersions: '0-3',
  flexibleVersions: '2+',
  request: [
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'count', type: 'int32', versions: '0+' },
          {
            name: 'assignments',
            type: { arrayOf: [{ name: 'brokerIds', type: { arrayOf: 'int32' }, versions: '0+' }] },
            versions: '0+',
            nullableVersions: '0+',
          },
        ],
      },
      versions: '0+',
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        ],
      },
      versions: '0+',
    },
  ],
};
