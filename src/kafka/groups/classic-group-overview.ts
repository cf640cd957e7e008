// A Kafka group as `spool group` shows it: members with their client ids and hosts (no pid: a
// Kafka client does not tell it), what each was assigned (from the assignment bytes its leader
// sent, when the group speaks the consumer protocol) and the partitions of the topics they
// subscribe to; Kafka's five states in spool's words.
import type { GroupOverview } from '../../broker/group-directory.js';
import type { GroupStateName } from '../../protocol/messages/group-admin.js';
import type { TopicPartition } from '../../protocol/messages/topic-partitions.js';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription } from '../protocol/consumer-protocol.js';
import type { ClassicGroup, ClassicGroupState } from './classic-group.js';

export function classicGroupOverview(group: ClassicGroup, partitionCount: (topic: string) => number): GroupOverview {
  const consumer = group.protocolType === CONSUMER_PROTOCOL_TYPE;
  const subscribed = new Map<string, TopicPartition>();
  for (const member of group.members.values()) {
    const metadata = member.protocols.find((p) => p.name === group.protocolName)?.metadata ?? member.protocols[0]?.metadata;
    const topics = metadata === undefined || !consumer ? [] : (decodeSubscription(metadata)?.topics ?? []);
    for (const topic of topics) {
      for (let p = 0; p < partitionCount(topic); p++) subscribed.set(`${topic}\u0000${p}`, { topic, partition: p });
    }
  }
  return {
    name: group.name,
    protocol: 'kafka',
    state: stateName(group.state),
    generation: group.generationId,
    members: [...group.members.values()].map((m) => {
      const assignment = consumer ? (decodeAssignment(m.assignment) ?? []) : [];
      return { memberId: m.memberId, clientId: m.clientId, pid: null, host: m.clientHost.replace(/^\//, ''), assignment, listedPartitions: assignment };
    }),
    subscribed: [...subscribed.values()],
  };
}

/** Kafka's five states in `spool group`'s three words (and dead). */
export function stateName(state: ClassicGroupState): GroupStateName {
  switch (state) {
    case 'Empty':
      return 'empty';
    case 'PreparingRebalance':
    case 'CompletingRebalance':
      return 'rebalancing';
    case 'Stable':
      return 'stable';
    case 'Dead':
      return 'dead';
  }
}
