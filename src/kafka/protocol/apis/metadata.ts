// Metadata (key 3), versions 0-13, flexible from 9. Topics are named by name, and from v10 also
// by id (a request names a topic by one of them: the other is null / the zero UUID); v12 makes
// the response topic name nullable (a topic asked for by an unknown id); v13 adds a top-level
// error code (KIP-1102). A null topic list (v1+) asks for every topic.
import type { ApiSchema } from '../schema.js';

export interface MetadataRequestTopic {
  topicId: string;
  name: string | null;
}

export interface MetadataRequest {
  topics: MetadataRequestTopic[] | null;
  allowAutoTopicCreation: boolean;
  includeClusterAuthorizedOperations: boolean;
  includeTopicAuthorizedOperations: boolean;
}

export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  name: string | null;
  topicId: string;
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
  topicAuthorizedOperations: number;
}

export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataResponseTopic[];
  clusterAuthorizedOperations: number;
  errorCode: number;
}

const AUTHORIZED_OPERATIONS_UNKNOWN = -2147483648;

export const METADATA: ApiSchema = {
  apiKey: 3,
  name: 'Metadata',
  validVersions: '0-13',
  flexibleVersions: '9+',
  request: [
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'topicId', type: 'uuid', versions: '10+' },
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' },
        ],
      },
      versions: '0+',
      nullableVersions: '1+',
    },
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'brokers',
      type: {
        arrayOf: [
          { name: 'nodeId', type: 'int32', versions: '0+' },
          { name: 'host', type: 'string', versions: '0+' },
          { name: 'port', type: 'int32', versions: '0+' },
          { name: 'rack', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
        ],
      },
      versions: '0+',
    },
    { name: 'clusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: null },
    { name: 'controllerId', type: 'int32', versions: '1+', default: -1 },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
          { name: 'topicId', type: 'uuid', versions: '10+' },
          { name: 'isInternal', type: 'bool', versions: '1+', default: false },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'errorCode', type: 'int16', versions: '0+' },
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'leaderId', type: 'int32', versions: '0+' },
                { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1 },
                { name: 'replicaNodes', type: { arrayOf: 'int32' }, versions: '0+' },
                { name: 'isrNodes', type: { arrayOf: 'int32' }, versions: '0+' },
                { name: 'offlineReplicas', type: { arrayOf: 'int32' }, versions: '5+' },
              ],
            },
            versions: '0+',
          },
          { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: AUTHORIZED_OPERATIONS_UNKNOWN },
        ],
      },
      versions: '0+',
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: AUTHORIZED_OPERATIONS_UNKNOWN },
    { name: 'errorCode', type: 'int16', versions: '13+' },
  ],
};
