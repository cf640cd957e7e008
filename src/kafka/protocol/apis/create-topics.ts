// CreateTopics (key 19), versions 2-7 (Kafka 4.0 dropped 0-1), flexible from 5. numPartitions
// and replicationFactor may be -1 (v4+: the broker's defaults); v5+ answers with the created
// topic's partition count, replication factor and configs; v7 adds its topic id.
import type { ApiSchema } from '../schema.js';

export interface CreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

export interface CreatableTopicConfig {
  name: string;
  value: string | null;
}

export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: CreatableReplicaAssignment[];
  configs: CreatableTopicConfig[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatableTopicConfigs {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
}

export interface CreatableTopicResult {
  name: string;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
  topicConfigErrorCode: number;
  numPartitions: number;
  replicationFactor: number;
  configs: CreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponse {
  throttleTimeMs: number;
  topics: CreatableTopicResult[];
}

export const CREATE_TOPICS: ApiSchema = {
  apiKey: 19,
  name: 'CreateTopics',
  validVersions: '2-7',
  flexibleVersions: '5+',
  request: [
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'numPartitions', type: 'int32', versions: '0+' },
          { name: 'replicationFactor', type: 'int16', versions: '0+' },
          {
            name: 'assignments',
            type: {
              arrayOf: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'brokerIds', type: { arrayOf: 'int32' }, versions: '0+' },
              ],
            },
            versions: '0+',
          },
          {
            name: 'configs',
            type: {
              arrayOf: [
                { name: 'name', type: 'string', versions: '0+' },
                { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'topicId', type: 'uuid', versions: '7+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '0+', default: null },
          { name: 'topicConfigErrorCode', type: 'int16', versions: '5+', taggedVersions: '5+', tag: 0 },
          { name: 'numPartitions', type: 'int32', versions: '5+', default: -1 },
          { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1 },
          {
            name: 'configs',
            type: {
              arrayOf: [
                { name: 'name', type: 'string', versions: '5+' },
                { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
                { name: 'readOnly', type: 'bool', versions: '5+' },
                { name: 'configSource', type: 'int8', versions: '5+', default: -1 },
                { name: 'isSensitive', type: 'bool', versions: '5+' },
              ],
            },
            versions: '5+',
            nullableVersions: '5+',
          },
        ],
      },
      versions: '0+',
    },
  ],
};
