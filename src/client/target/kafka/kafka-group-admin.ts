// KafkaGroupAdmin: the group half of KafkaAdmin — list, describe, delete, reset and committed
// offsets of consumer groups on a Kafka cluster, through ListGroups, DescribeGroups, OffsetFetch,
// OffsetCommit (AlterConsumerGroupOffsets) and DeleteGroups, in the shapes the local broker
// gives. Errors are thrown as the library raises them; KafkaAdmin turns them into spool's.
import type { Admin, GroupMember as KafkaGroupMember } from '@platformatic/kafka';
import { ErrorCode } from '../../../common/error-codes.js';
import { BrokerError } from '../../../common/errors.js';
import {
  groupPartitionRow,
  type GroupDescription,
  type GroupPartitionDescription,
  type GroupStateName,
  type GroupSummary,
  type ResetGroupOffsetsRequest,
  type ResetGroupOffsetsResponse,
  type ResetTarget,
} from '../../../protocol/messages/group-admin.js';
import type { TopicPartition } from '../../../protocol/messages/topic-partitions.js';
import type { KafkaCluster } from './kafka-cluster.js';
import { byName, compareTp, offsetsAt, partitionCount, partitionEnds, topicNames, tpKey, type PartitionEnds } from './kafka-lookups.js';

const GROUP_STATES: Record<string, GroupStateName> = {
  STABLE: 'stable',
  PREPARING_REBALANCE: 'rebalancing',
  COMPLETING_REBALANCE: 'rebalancing',
  EMPTY: 'empty',
  DEAD: 'dead',
};

export class KafkaGroupAdmin {
  readonly #cluster: KafkaCluster;

  constructor(cluster: KafkaCluster) {
    this.#cluster = cluster;
  }

  get #admin(): Admin {
    return this.#cluster.admin;
  }

  async list(): Promise<GroupSummary[]> {
    const names = [...(await this.#admin.listGroups()).keys()].sort(byName);
    const summaries: GroupSummary[] = [];
    for (const name of names) {
      const d = await this.#describe(name);
      if (d === null) continue;
      summaries.push({
        group: name,
        state: d.state,
        members: d.members.length,
        topics: [...new Set(d.partitions.map((p) => p.topic))],
        lag: d.partitions.reduce((sum, p) => sum + p.lag, 0),
      });
    }
    return summaries;
  }

  async describe(group: string): Promise<GroupDescription> {
    const d = await this.#describe(group);
    if (d === null) throw new BrokerError(ErrorCode.GroupIdNotFound, `group "${group}" does not exist`);
    return d;
  }

  async delete(group: string): Promise<void> {
    const d = await this.#describe(group);
    if (d === null) throw new BrokerError(ErrorCode.GroupIdNotFound, `group "${group}" does not exist`);
    if (d.members.length > 0) throw nonEmpty(group, d.members.length, 'delete it');
    await this.#admin.deleteGroups({ groups: [group] });
  }

  async resetOffsets(request: ResetGroupOffsetsRequest): Promise<ResetGroupOffsetsResponse> {
    const d = await this.#describe(request.group);
    if (d === null) throw new BrokerError(ErrorCode.GroupIdNotFound, `group "${request.group}" does not exist`);
    if (d.members.length > 0) {
      throw new BrokerError(ErrorCode.NonEmptyGroup, `group "${request.group}" has ${d.members.length} active member(s); stop them before resetting offsets`);
    }
    const count = await partitionCount(this.#admin, request.topic);
    const partitions = request.partitions ?? [...Array(count).keys()];
    for (const partition of partitions) {
      if (partition >= count) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, `topic "${request.topic}" has no partition ${partition}`);
    }
    const tps = partitions.map((partition) => ({ topic: request.topic, partition }));
    const committed = await this.#committed(request.group, tps);
    const ends = await partitionEnds(this.#admin, tps);
    const atTime = request.to.kind === 'timestamp' ? await offsetsAt(this.#admin, tps, BigInt(request.to.timestampMs)) : null;
    const plan = tps.map((tp) => {
      const oldOffset = committed.get(tpKey(tp)) ?? null;
      const at = atTime?.get(tpKey(tp))?.offset;
      return { topic: tp.topic, partition: tp.partition, oldOffset, newOffset: resetOffset(ends.get(tpKey(tp))!, oldOffset, request.to, at) };
    });
    if (request.execute) {
      await this.#admin.alterConsumerGroupOffsets({
        groupId: request.group,
        topics: [{ name: request.topic, partitionOffsets: plan.map((p) => ({ partition: p.partition, offset: BigInt(p.newOffset) })) }],
      });
    }
    return { plan, executed: request.execute };
  }

  async committedOffsets(group: string, partitions: TopicPartition[]): Promise<Array<TopicPartition & { offset: number | null }>> {
    const committed = await this.#committed(group, partitions);
    return partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: committed.get(tpKey(tp)) ?? null }));
  }

  async #committed(group: string, tps: readonly TopicPartition[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const groups = await this.#admin.listConsumerGroupOffsets({
      groups: [{ groupId: group, topics: tps.length === 0 ? null : [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) }],
    });
    for (const g of groups) {
      for (const t of g.topics) {
        for (const p of t.partitions) if (p.committedOffset >= 0n) result.set(tpKey({ topic: t.name, partition: p.partitionIndex }), Number(p.committedOffset));
      }
    }
    return result;
  }

  /** The group as the local broker describes it; null when the cluster knows nothing of it. */
  async #describe(name: string): Promise<GroupDescription | null> {
    const group = (await this.#admin.describeGroups({ groups: [name] })).get(name);
    const committed = await this.#committed(name, []);
    if (group === undefined || (group.state === 'DEAD' && committed.size === 0)) return null;
    // In the coordinator's order, as the local broker lists them.
    const members = [...group.members.values()];
    const owners = new Map<string, KafkaGroupMember>();
    const keys = new Map<string, TopicPartition>();
    const subscribedTopics = new Set<string>();
    for (const m of members) {
      for (const topic of m.metadata?.topics ?? []) subscribedTopics.add(topic);
      for (const tp of assignmentOf(m)) {
        owners.set(tpKey(tp), m);
        keys.set(tpKey(tp), tp);
      }
    }
    const known = new Set(await topicNames(this.#admin));
    const subscribed = [...subscribedTopics].filter((t) => known.has(t));
    if (subscribed.length > 0) {
      const metadata = await this.#admin.metadata({ topics: subscribed });
      for (const topic of subscribed) {
        for (let p = 0; p < (metadata.topics.get(topic)?.partitionsCount ?? 0); p++) keys.set(tpKey({ topic, partition: p }), { topic, partition: p });
      }
    }
    for (const key of committed.keys()) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      keys.set(key, { topic, partition: Number(partition) });
    }
    const tps = [...keys.values()].filter((tp) => known.has(tp.topic)).sort(compareTp);
    const ends = await partitionEnds(this.#admin, tps);
    const partitions: GroupPartitionDescription[] = [...keys.values()].sort(compareTp).map((tp) => {
      const owner = owners.get(tpKey(tp));
      // A Kafka member does not say its process id.
      const member = owner === undefined ? undefined : { memberId: owner.id, clientId: owner.clientId, pid: null };
      return groupPartitionRow(tp, committed.get(tpKey(tp)) ?? null, ends.get(tpKey(tp)), member);
    });
    return {
      group: name,
      state: GROUP_STATES[group.state] ?? 'empty',
      generation: -1,
      // Kafka writes the host as Java's InetAddress does ("/127.0.0.1"); spool without the slash.
      members: members.map((m) => ({ memberId: m.id, clientId: m.clientId, pid: null, host: m.clientHost.replace(/^\//, ''), assignment: assignmentOf(m).sort(compareTp) })),
      partitions,
    };
  }
}

function assignmentOf(member: KafkaGroupMember): TopicPartition[] {
  const tps: TopicPartition[] = [];
  for (const a of member.assignments?.values() ?? []) for (const partition of a.partitions) tps.push({ topic: a.topic, partition });
  return tps;
}

function nonEmpty(group: string, members: number, what: string): BrokerError {
  return new BrokerError(ErrorCode.NonEmptyGroup, `group "${group}" has ${members} active member(s); stop them before you ${what}`);
}

function resetOffset(end: PartitionEnds, old: number | null, to: ResetTarget, atTime: number | undefined): number {
  const clamp = (offset: number) => Math.min(Math.max(offset, end.logStartOffset), end.logEndOffset);
  switch (to.kind) {
    case 'earliest':
      return end.logStartOffset;
    case 'latest':
      return end.logEndOffset;
    case 'offset':
      return clamp(to.offset);
    case 'timestamp':
      return atTime === undefined || atTime < 0 ? end.logEndOffset : atTime;
    case 'shift':
      return clamp((old ?? end.logStartOffset) + to.by);
  }
}
