// Fetch (key 1), versions 4-17 (Kafka 4.0 dropped 0-3, KIP-896), flexible from 12. From v13
// topics are named by id (topicId) instead of name. v15 moves the replica id into the tagged
// replicaState (consumers leave it at its default); v17 adds a tagged directory id per partition.
// The response's `records` may be given as one Buffer or as the stored batches in order; either
// way the encoder passes them through by reference (wire-writer.ts).
import type { ApiSchema } from '../schema.js';
import type { RecordsValue } from '../wire-writer.js';
import type { LeaderIdAndEpoch, NodeEndpoint } from './node-endpoints.js';
import { leaderIdAndEpochFields, nodeEndpointFields } from './node-endpoints.js';

export interface FetchPartition {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  lastFetchedEpoch: number;
  logStartOffset: number;
  partitionMaxBytes: number;
  replicaDirectoryId: string;
}

export interface FetchTopic {
  topic: string;
  topicId: string;
  partitions: FetchPartition[];
}

export interface ForgottenTopic {
  topic: string;
  topicId: string;
  partitions: number[];
}

export interface ReplicaState {
  replicaId: number;
  replicaEpoch: number;
}

export interface FetchRequest {
  clusterId: string | null;
  replicaId: number;
  replicaState: ReplicaState;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: FetchTopic[];
  forgottenTopicsData: ForgottenTopic[];
  rackId: string;
}

export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

export interface SnapshotId {
  endOffset: number;
  epoch: number;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchPartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** Tagged: left out (undefined) when it is the default. */
  divergingEpoch?: EpochEndOffset;
  currentLeader?: LeaderIdAndEpoch;
  snapshotId?: SnapshotId;
  abortedTransactions: AbortedTransaction[] | null;
  preferredReadReplica: number;
  records: RecordsValue;
}

export interface FetchableTopicResponse {
  topic: string;
  topicId: string;
  partitions: FetchPartitionData[];
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: FetchableTopicResponse[];
  nodeEndpoints: NodeEndpoint[];
}

export const FETCH: ApiSchema = {
  apiKey: 1,
  name: 'Fetch',
  validVersions: '4-17',
  flexibleVersions: '12+',
  request: [
    { name: 'clusterId', type: 'string', versions: '12+', nullableVersions: '12+', default: null, taggedVersions: '12+', tag: 0 },
    { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
    {
      name: 'replicaState',
      type: {
        struct: [
          { name: 'replicaId', type: 'int32', versions: '15+', default: -1 },
          { name: 'replicaEpoch', type: 'int64', versions: '15+', default: -1 },
        ],
      },
      versions: '15+',
      taggedVersions: '15+',
      tag: 1,
    },
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 0x7fffffff },
    { name: 'isolationLevel', type: 'int8', versions: '4+', default: 0 },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1 },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'topic', type: 'string', versions: '0-12' },
          { name: 'topicId', type: 'uuid', versions: '13+' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'partition', type: 'int32', versions: '0+' },
                { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1 },
                { name: 'fetchOffset', type: 'int64', versions: '0+' },
                { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
                { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
                { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
                { name: 'replicaDirectoryId', type: 'uuid', versions: '17+', taggedVersions: '17+', tag: 0 },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
    {
      name: 'forgottenTopicsData',
      type: {
        arrayOf: [
          { name: 'topic', type: 'string', versions: '7-12' },
          { name: 'topicId', type: 'uuid', versions: '13+' },
          { name: 'partitions', type: { arrayOf: 'int32' }, versions: '7+' },
        ],
      },
      versions: '7+',
    },
    { name: 'rackId', type: 'string', versions: '11+', default: '' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '7+' },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
    {
      name: 'responses',
      type: {
        arrayOf: [
          { name: 'topic', type: 'string', versions: '0-12' },
          { name: 'topicId', type: 'uuid', versions: '13+' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
                { name: 'highWatermark', type: 'int64', versions: '0+' },
                { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1 },
                { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
                {
                  name: 'divergingEpoch',
                  type: {
                    struct: [
                      { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
                      { name: 'endOffset', type: 'int64', versions: '12+', default: -1 },
                    ],
                  },
                  versions: '12+',
                  taggedVersions: '12+',
                  tag: 0,
                },
                { name: 'currentLeader', type: { struct: leaderIdAndEpochFields('12+') }, versions: '12+', taggedVersions: '12+', tag: 1 },
                {
                  name: 'snapshotId',
                  type: {
                    struct: [
                      { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
                      { name: 'epoch', type: 'int32', versions: '0+', default: -1 },
                    ],
                  },
                  versions: '12+',
                  taggedVersions: '12+',
                  tag: 2,
                },
                {
                  name: 'abortedTransactions',
                  type: {
                    arrayOf: [
                      { name: 'producerId', type: 'int64', versions: '4+' },
                      { name: 'firstOffset', type: 'int64', versions: '4+' },
                    ],
                  },
                  versions: '4+',
                  nullableVersions: '4+',
                },
                { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
                { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
    { name: 'nodeEndpoints', type: { arrayOf: nodeEndpointFields('16+') }, versions: '16+', taggedVersions: '16+', tag: 0 },
  ],
};
