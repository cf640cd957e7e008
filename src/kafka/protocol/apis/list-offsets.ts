// ListOffsets (key 2), versions 1-10 (Kafka 4.0 dropped v0), flexible from 6. A partition's
// timestamp is a time in ms or a special value: -1 latest, -2 earliest, -3 max timestamp (v7+),
// -4 local log start (v8+), -5 latest tiered (v9+). v10 adds a timeout for remote lookups.
import type { ApiSchema } from '../schema.js';

export interface ListOffsetsPartition {
  partitionIndex: number;
  currentLeaderEpoch: number;
  timestamp: number;
  maxNumOffsets: number;
}

export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: ListOffsetsTopic[];
  timeoutMs: number;
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  oldStyleOffsets: number[];
  timestamp: number;
  offset: number;
  leaderEpoch: number;
}

export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}

export const LIST_OFFSETS: ApiSchema = {
  apiKey: 2,
  name: 'ListOffsets',
  validVersions: '1-10',
  flexibleVersions: '6+',
  request: [
    { name: 'replicaId', type: 'int32', versions: '0+' },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
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
                { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1 },
                { name: 'timestamp', type: 'int64', versions: '0+' },
                { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
    { name: 'timeoutMs', type: 'int32', versions: '10+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
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
                { name: 'oldStyleOffsets', type: { arrayOf: 'int64' }, versions: '0' },
                { name: 'timestamp', type: 'int64', versions: '1+', default: -1 },
                { name: 'offset', type: 'int64', versions: '1+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
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
