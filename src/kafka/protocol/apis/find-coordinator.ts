// FindCoordinator (key 10): which broker coordinates a group (key type 0) or a transactional id
// (key type 1). spool has one broker, so the answer is always node 0, but clients still ask first.
//
// Version history, from Apache Kafka's FindCoordinatorRequest.json / Response.json (4.2):
// v1 adds KeyType and, in the response, throttle time and an error message; v3 is the first flexible
// version; v4 batches the keys (KIP-699): CoordinatorKeys replaces Key, and the response answers with
// one Coordinators entry per key instead of the top-level fields; v5 may answer
// TRANSACTION_ABORTABLE and v6 accepts the share-group key type (KIP-932), both with v4's layout.
// KIP-896 (Kafka 4.0) deprecated v0 but did not remove it: 4.x brokers still accept 0-6.

import type { ApiSchema } from '../schema.js';

export const FIND_COORDINATOR: ApiSchema = {
  apiKey: 10,
  name: 'FindCoordinator',
  validVersions: '0-6',
  flexibleVersions: '3+',
  request: [
    { name: 'key', type: 'string', versions: '0-3' },
    { name: 'keyType', type: 'int8', versions: '1+' },
    { name: 'coordinatorKeys', type: { arrayOf: 'string' }, versions: '4+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0-3' },
    { name: 'errorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3' },
    { name: 'nodeId', type: 'int32', versions: '0-3' },
    { name: 'host', type: 'string', versions: '0-3' },
    { name: 'port', type: 'int32', versions: '0-3' },
    {
      name: 'coordinators',
      type: {
        arrayOf: [
          { name: 'key', type: 'string', versions: '4+' },
          { name: 'nodeId', type: 'int32', versions: '4+' },
          { name: 'host', type: 'string', versions: '4+' },
          { name: 'port', type: 'int32', versions: '4+' },
          { name: 'errorCode', type: 'int16', versions: '4+' },
          { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+' },
        ],
      },
      versions: '4+',
    },
  ],
};

/** Kafka's coordinator key types. */
export const CoordinatorKeyType = { Group: 0, Transaction: 1, Share: 2 } as const;

export interface FindCoordinatorRequest {
  /** v0-3: the one key asked about. */
  key: string;
  keyType: number;
  /** v4+: every key asked about. */
  coordinatorKeys: string[];
}

export interface FindCoordinatorResponseCoordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
  coordinators: FindCoordinatorResponseCoordinator[];
}
