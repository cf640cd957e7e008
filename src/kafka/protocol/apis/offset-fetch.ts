// OffsetFetch (key 9): a consumer (or an admin) reads a group's committed offsets.
//
// Version history, from Apache Kafka's OffsetFetchRequest.json / Response.json (4.2):
// v2 lets Topics be null ("every topic the group has offsets for") and adds a top-level error
// code; v3 adds throttle time; v5 adds the leader epoch of each offset; v6 is the first flexible
// version; v7 adds RequireStable (KIP-447); v8 asks for several groups at once: the top-level
// GroupId/Topics move into Groups, and the response answers per group; v9 adds MemberId and
// MemberEpoch for KIP-848 groups; v10 names topics by id instead of by name (KIP-848: stable from
// Kafka 4.2). KIP-896 (Kafka 4.0) removed v0, so 4.x accepts 1-10.

import type { ApiSchema } from '../schema.js';

export const OFFSET_FETCH: ApiSchema = {
  apiKey: 9,
  name: 'OffsetFetch',
  validVersions: '1-10',
  flexibleVersions: '6+',
  request: [
    { name: 'groupId', type: 'string', versions: '0-7' },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0-7' },
          { name: 'partitionIndexes', type: { arrayOf: 'int32' }, versions: '0-7' },
        ],
      },
      versions: '0-7',
      nullableVersions: '2-7',
    },
    {
      name: 'groups',
      type: {
        arrayOf: [
          { name: 'groupId', type: 'string', versions: '8+' },
          { name: 'memberId', type: 'string', versions: '9+', nullableVersions: '9+', default: null },
          { name: 'memberEpoch', type: 'int32', versions: '9+', default: -1 },
          {
            name: 'topics',
            type: {
              arrayOf: [
                { name: 'name', type: 'string', versions: '8-9' },
                { name: 'topicId', type: 'uuid', versions: '10+' },
                { name: 'partitionIndexes', type: { arrayOf: 'int32' }, versions: '8+' },
              ],
            },
            versions: '8+',
            nullableVersions: '8+',
          },
        ],
      },
      versions: '8+',
    },
    { name: 'requireStable', type: 'bool', versions: '7+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0-7' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'partitionIndex', type: 'int32', versions: '0-7' },
                { name: 'committedOffset', type: 'int64', versions: '0-7' },
                { name: 'committedLeaderEpoch', type: 'int32', versions: '5-7', default: -1 },
                { name: 'metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
                { name: 'errorCode', type: 'int16', versions: '0-7' },
              ],
            },
            versions: '0-7',
          },
        ],
      },
      versions: '0-7',
    },
    { name: 'errorCode', type: 'int16', versions: '2-7' },
    {
      name: 'groups',
      type: {
        arrayOf: [
          { name: 'groupId', type: 'string', versions: '8+' },
          {
            name: 'topics',
            type: {
              arrayOf: [
                { name: 'name', type: 'string', versions: '8-9' },
                { name: 'topicId', type: 'uuid', versions: '10+' },
                {
                  name: 'partitions',
                  type: {
                    arrayOf: [
                      { name: 'partitionIndex', type: 'int32', versions: '8+' },
                      { name: 'committedOffset', type: 'int64', versions: '8+' },
                      { name: 'committedLeaderEpoch', type: 'int32', versions: '8+', default: -1 },
                      { name: 'metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
                      { name: 'errorCode', type: 'int16', versions: '8+' },
                    ],
                  },
                  versions: '8+',
                },
              ],
            },
            versions: '8+',
          },
          { name: 'errorCode', type: 'int16', versions: '8+' },
        ],
      },
      versions: '8+',
    },
  ],
};

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroupTopic {
  /** v8-9. */
  name: string;
  /** v10+. */
  topicId: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup {
  groupId: string;
  memberId: string | null;
  memberEpoch: number;
  /** null: every topic the group has offsets for. */
  topics: OffsetFetchRequestGroupTopic[] | null;
}

export interface OffsetFetchRequest {
  /** v0-7: the one group asked about. */
  groupId: string;
  /** v0-7; null (v2+): every topic the group has offsets for. */
  topics: OffsetFetchRequestTopic[] | null;
  /** v8+: every group asked about. */
  groups: OffsetFetchRequestGroup[];
  requireStable: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseGroupTopic {
  name: string;
  topicId: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseGroupTopic[];
  errorCode: number;
}

export interface OffsetFetchResponse {
  throttleTimeMs: number;
  /** v0-7. */
  topics: OffsetFetchResponseTopic[];
  /** v2-7: a group-level error. */
  errorCode: number;
  /** v8+. */
  groups: OffsetFetchResponseGroup[];
}
