// OffsetForLeaderEpoch (key 23), versions 2-4 (Kafka 4.0 dropped 0-1), flexible from 4. A
// consumer asks, per partition, where its leader epoch ended; replicaId is -1 for consumers
// (v3+; its default -2 marks a request from before the field existed).
import type { ApiSchema } from '../schema.js';

export interface OffsetForLeaderPartition {
  partition: number;
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

export interface OffsetForLeaderTopic {
  topic: string;
  partitions: OffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequest {
  replicaId: number;
  topics: OffsetForLeaderTopic[];
}

export interface EpochEndOffsetResult {
  errorCode: number;
  partition: number;
  leaderEpoch: number;
  endOffset: number;
}

export interface OffsetForLeaderTopicResult {
  topic: string;
  partitions: EpochEndOffsetResult[];
}

export interface OffsetForLeaderEpochResponse {
  throttleTimeMs: number;
  topics: OffsetForLeaderTopicResult[];
}

export const OFFSET_FOR_LEADER_EPOCH: ApiSchema = {
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  validVersions: '2-4',
  flexibleVersions: '4+',
  request: [
    { name: 'replicaId', type: 'int32', versions: '3+', default: -2 },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'topic', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'partition', type: 'int32', versions: '0+' },
                { name: 'currentLeaderEpoch', type: 'int32', versions: '2+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '0+' },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'topic', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'errorCode', type: 'int16', versions: '0+' },
                { name: 'partition', type: 'int32', versions: '0+' },
                { name: 'leaderEpoch', type: 'int32', versions: '1+', default: -1 },
                { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
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
