// JoinGroup: become a member of a consumer group (SPEC §5). The broker assigns partitions
// itself; the answer holds the member's first assignment, which leaves out partitions another
// member still has to give up (they follow in a Heartbeat answer once released).
//
//   JoinGroup Request  => { group, topics: [pattern], clientId, pid, host, sessionTimeoutMs }
//   JoinGroup Response => { memberId, generation, memberEpoch, assignment: [{topic, partition}],
//                           target: [{topic, partition}], heartbeatMs }
//     assignment  what the member may read now
//     target      what it will own once other members have released their part of it
import { asObject, intField, stringArrayField, stringField } from '../validate.js';
import type { TopicPartition } from './topic-partitions.js';

export interface JoinGroupRequest {
  group: string;
  topics: string[];
  clientId: string;
  pid: number;
  host: string;
  sessionTimeoutMs: number;
}

export interface JoinGroupResponse {
  memberId: string;
  generation: number;
  memberEpoch: number;
  assignment: TopicPartition[];
  target: TopicPartition[];
  /** How long the broker may hold a Heartbeat before answering it. */
  heartbeatMs: number;
}

export function parseJoinGroupRequest(value: unknown): JoinGroupRequest {
  const o = asObject(value);
  return {
    group: stringField(o, 'group'),
    topics: stringArrayField(o, 'topics') ?? [],
    clientId: stringField(o, 'clientId'),
    pid: intField(o, 'pid'),
    host: stringField(o, 'host'),
    sessionTimeoutMs: intField(o, 'sessionTimeoutMs'),
  };
}
