// Heartbeat (key 12): a member tells the coordinator it is alive; the answer tells it whether a
// rebalance is under way (REBALANCE_IN_PROGRESS) so that it rejoins.
//
// Version history, from Apache Kafka's HeartbeatRequest.json / Response.json (4.2):
// v1 adds throttle time to the response; v3 adds GroupInstanceId (KIP-345); v4 is the first
// flexible version. Nothing was removed in 4.0: 0-4.

import type { ApiSchema } from '../schema.js';

export const HEARTBEAT: ApiSchema = {
  apiKey: 12,
  name: 'Heartbeat',
  validVersions: '0-4',
  flexibleVersions: '4+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
};

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}
