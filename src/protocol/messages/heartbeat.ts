// Heartbeat: a member says it is alive and which partitions it owns now; the broker answers at
// once when the member's assignment differs from that, otherwise after up to waitMs (a long
// poll, so assignment changes reach members without polling).
//
//   Heartbeat Request  => { group, memberId, memberEpoch, owned: [{topic, partition}], waitMs }
//   Heartbeat Response => { generation, memberEpoch, assignment: [{topic, partition}],
//                           target: [{topic, partition}] }   (as in JoinGroup)
//   Errors: UnknownMemberId (the member was removed: join again)
import { asObject, intField, stringField } from '../validate.js';
import { topicPartitionsField, type TopicPartition } from './topic-partitions.js';

export interface HeartbeatRequest {
  group: string;
  memberId: string;
  memberEpoch: number;
  owned: TopicPartition[];
  waitMs: number;
}

export interface HeartbeatResponse {
  generation: number;
  memberEpoch: number;
  assignment: TopicPartition[];
  target: TopicPartition[];
}

export function parseHeartbeatRequest(value: unknown): HeartbeatRequest {
  const o = asObject(value);
  return {
    group: stringField(o, 'group'),
    memberId: stringField(o, 'memberId'),
    memberEpoch: intField(o, 'memberEpoch'),
    owned: topicPartitionsField(o, 'owned'),
    waitMs: intField(o, 'waitMs'),
  };
}
