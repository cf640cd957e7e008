// Fields shared by Produce and Fetch responses (KIP-951): the leader a client should move to, and
// the endpoints of the brokers named there. Both are tagged fields, so a broker that leads every
// partition (spool) leaves them at their defaults and they cost nothing on the wire.
import type { Field } from '../schema.js';

export interface LeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export function leaderIdAndEpochFields(versions: string): readonly Field[] {
  return [
    { name: 'leaderId', type: 'int32', versions, default: -1 },
    { name: 'leaderEpoch', type: 'int32', versions, default: -1 },
  ];
}

export function nodeEndpointFields(versions: string): readonly Field[] {
  return [
    { name: 'nodeId', type: 'int32', versions },
    { name: 'host', type: 'string', versions },
    { name: 'port', type: 'int32', versions },
    { name: 'rack', type: 'string', versions, nullableVersions: versions, default: null },
  ];
}
