// OffsetCommit (key 8): a consumer stores the offsets it has processed, in its group's offset store
// (for spool, the same store `spool consume -g` reads).
//
// Version history, from Apache Kafka's OffsetCommitRequest.json / Response.json (4.2):
// v1 added group membership and a per-partition CommitTimestamp; v2 replaced that timestamp with a
// request-wide RetentionTimeMs, which v5 removed again (retention became broker configuration);
// v3 adds throttle time to the response; v6 adds the leader epoch of each offset (fencing); v7
// adds GroupInstanceId (KIP-345); v8 is the first flexible version; v9 is v8 usable by KIP-848
// groups (GenerationIdOrMemberEpoch); v10 names topics by id instead of by name (KIP-848: stable
// from Kafka 4.2, unstable in 4.1). KIP-896 (Kafka 4.0) removed v0-1, so 4.x accepts 2-10; the
// v1-only CommitTimestamp is kept in the table to say where it was, and is never on the wire here.

import type { ApiSchema } from '../schema.js';

export const OFFSET_COMMIT: ApiSchema = {
  apiKey: 8,
  name: 'OffsetCommit',
  validVersions: '2-10',
  flexibleVersions: '8+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    // -1 with an empty member id: a commit from outside the group (an admin, a standalone consumer).
    { name: 'generationIdOrMemberEpoch', type: 'int32', versions: '1+', default: -1 },
    { name: 'memberId', type: 'string', versions: '1+' },
    { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1 },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0-9' },
          { name: 'topicId', type: 'uuid', versions: '10+' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'committedOffset', type: 'int64', versions: '0+' },
                { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1 },
                { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1 },
                { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
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
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0-9' },
          { name: 'topicId', type: 'uuid', versions: '10+' },
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

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  commitTimestamp: number;
  committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic {
  /** v0-9. */
  name: string;
  /** v10+. */
  topicId: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  retentionTimeMs: number;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitResponseTopic {
  name: string;
  topicId: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}
