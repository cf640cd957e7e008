// LeaveGroup (key 13): members leave a group at once instead of waiting for their session to time
// out, so the rest rebalance without delay.
//
// Version history, from Apache Kafka's LeaveGroupRequest.json / Response.json (4.2):
// v1 adds throttle time to the response; v3 batches: Members (member id + group instance id, so an
// admin can remove static members, KIP-345) replaces the single MemberId, and the response answers
// per member; v4 is the first flexible version; v5 adds a Reason per member (KIP-800). Nothing was
// removed in 4.0: 0-5.

import type { ApiSchema } from '../schema.js';

export const LEAVE_GROUP: ApiSchema = {
  apiKey: 13,
  name: 'LeaveGroup',
  validVersions: '0-5',
  flexibleVersions: '4+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0-2' },
    {
      name: 'members',
      type: {
        arrayOf: [
          { name: 'memberId', type: 'string', versions: '3+' },
          { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
          { name: 'reason', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        ],
      },
      versions: '3+',
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'members',
      type: {
        arrayOf: [
          { name: 'memberId', type: 'string', versions: '3+' },
          { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
          { name: 'errorCode', type: 'int16', versions: '3+' },
        ],
      },
      versions: '3+',
    },
  ],
};

export interface LeaveGroupRequestMember {
  memberId: string;
  groupInstanceId: string | null;
  reason: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2: the one member leaving. */
  memberId: string;
  /** v3+: every member leaving. */
  members: LeaveGroupRequestMember[];
}

export interface LeaveGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

export interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  members: LeaveGroupResponseMember[];
}
