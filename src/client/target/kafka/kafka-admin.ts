// KafkaAdmin: TargetAdmin over a Kafka cluster, through the client library's Admin. Every
// answer is the shape the local broker gives (protocol/messages/*), computed from Kafka's own
// calls: Metadata, DescribeConfigs, ListOffsets (earliest, latest, by time, max timestamp),
// CreateTopics, CreatePartitions, IncrementalAlterConfigs, DeleteTopics, DeleteRecords,
// ListGroups, DescribeGroups, OffsetFetch, OffsetCommit (AlterConsumerGroupOffsets) and
// DeleteGroups. Errors carry the local broker's words. What a cluster does not tell is filled
// in as documented in spool(1) REMOTE MODE: segments 0, bytes 0, deletedSegments 0, a group's
// generation -1, a member's pid null.
import type { Admin, GroupMember as KafkaGroupMember } from '@platformatic/kafka';
import { ErrorCode } from '../../../common/error-codes.js';
import { BrokerError, SpoolError } from '../../../common/errors.js';
import { isGlob, matchesAny } from '../../../common/glob.js';
import { TOPIC_CONFIG_KEYS, TOPIC_CONFIG_NAMES } from '../../../common/topic-config.js';
import type { AlterTopicRequest } from '../../../protocol/messages/alter-topic.js';
import type { CreateTopicsRequest } from '../../../protocol/messages/create-topics.js';
import type { DeleteRecordsRequest, DeleteRecordsResult } from '../../../protocol/messages/delete-records.js';
import type { TopicDescription } from '../../../protocol/messages/describe-topics.js';
import type {
  GroupDescription,
  GroupPartitionDescription,
  GroupStateName,
  GroupSummary,
  ResetGroupOffsetsRequest,
  ResetGroupOffsetsResponse,
  ResetTarget,
} from '../../../protocol/messages/group-admin.js';
import { groupPartitionRow } from '../../../protocol/messages/group-admin.js';
import type { ListOffsetsRequest, PartitionOffsets } from '../../../protocol/messages/list-offsets.js';
import type { MetadataRequest, MetadataResponse, TopicMetadata } from '../../../protocol/messages/metadata.js';
import type { TopicPartition } from '../../../protocol/messages/topic-partitions.js';
import type { TargetAdmin, TargetStatus } from '../target.js';
import { fromKafkaError, kafkaErrorCode } from './kafka-errors.js';
import type { KafkaCluster } from './kafka-cluster.js';

const TOPIC_RESOURCE = 2;
const TOPIC_CONFIG_SOURCE = 1;
const CONFIG_SET = 0;
const CONFIG_DELETE = 1;
const EARLIEST = -2n;
const LATEST = -1n;
const MAX_TIMESTAMP = -3n;

const ACKS_DURABILITY = { [-1]: 'replicated', 1: 'leader', 0: 'unacknowledged' } as const;

const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
const compareTp = (a: TopicPartition, b: TopicPartition) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const GROUP_STATES: Record<string, GroupStateName> = {
  STABLE: 'stable',
  PREPARING_REBALANCE: 'rebalancing',
  COMPLETING_REBALANCE: 'rebalancing',
  EMPTY: 'empty',
  DEAD: 'dead',
};

interface PartitionEnds {
  logStartOffset: number;
  logEndOffset: number;
}

export class KafkaAdmin implements TargetAdmin {
  readonly #cluster: KafkaCluster;

  constructor(cluster: KafkaCluster) {
    this.#cluster = cluster;
  }

  get #admin(): Admin {
    return this.#cluster.admin;
  }

  async metadata(request: MetadataRequest): Promise<MetadataResponse> {
    return this.#call(async () => {
      const all = await this.#topicNames();
      const wanted = request.topics;
      const names = wanted === undefined ? all : all.filter((name) => matchesAny(name, wanted));
      let missing = (wanted ?? []).filter((w) => !isGlob(w) && !all.includes(w));
      if (request.autoCreate === true && missing.length > 0) {
        // As a Kafka producer does: Metadata with auto-creation (the cluster's default partitions).
        await this.#admin.metadata({ topics: missing, autocreateTopics: true, forceUpdate: true });
        names.push(...missing);
        missing = [];
      }
      // How durable an acknowledged produce is (the summary's words): by the acks in force.
      const fsync = ACKS_DURABILITY[this.#cluster.settings.acks];
      return { topics: await this.#topicMetadata(names.sort(byName)), missing, fsync, fsyncIntervalMs: 0 };
    });
  }

  async createTopic(request: CreateTopicsRequest): Promise<boolean> {
    try {
      await this.#admin.createTopics({
        topics: [request.name],
        partitions: request.partitions ?? -1,
        replicas: -1,
        configs: Object.entries(request.configs).map(([name, value]) => ({ name, value })),
      });
      return true;
    } catch (err) {
      if (kafkaErrorCode(err)?.code === ErrorCode.TopicAlreadyExists && request.ifNotExists) return false;
      throw this.#error(err, { [ErrorCode.TopicAlreadyExists]: `topic "${request.name}" already exists` });
    }
  }

  async deleteTopic(name: string): Promise<void> {
    await this.#call(() => this.#admin.deleteTopics({ topics: [name] }), { [ErrorCode.UnknownTopicOrPartition]: topicMissing(name) });
  }

  async alterTopic(request: AlterTopicRequest): Promise<void> {
    const { name } = request;
    await this.#call(async () => {
      const [topic] = await this.#topicMetadata([await this.#requireTopic(name)]);
      if (request.partitions !== undefined && request.partitions !== topic!.partitions) {
        if (request.partitions < topic!.partitions) {
          throw new BrokerError(ErrorCode.InvalidPartitions, `topic "${name}" has ${topic!.partitions} partitions; partitions can only grow`);
        }
        await this.#admin.createPartitions({ topics: [{ name, count: request.partitions }] });
      }
      const configs = Object.entries(request.configs).map(([key, value]) =>
        value === '' ? { name: key, configOperation: CONFIG_DELETE as 1 } : { name: key, configOperation: CONFIG_SET as 0, value },
      );
      if (configs.length > 0) await this.#admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configs }] });
    });
  }

  async describeTopics(names?: string[]): Promise<TopicDescription[]> {
    return this.#call(async () => {
      const all = await this.#topicNames();
      for (const name of names ?? []) if (!isGlob(name) && !all.includes(name)) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, topicMissing(name));
      const chosen = (names === undefined ? all : all.filter((n) => matchesAny(n, names))).sort(byName);
      if (chosen.length === 0) return [];
      const [metadata, configs] = await Promise.all([this.#admin.metadata({ topics: chosen }), this.#configs(chosen)]);
      const partitions = chosen.map((topic) => ({ topic, count: metadata.topics.get(topic)?.partitionsCount ?? 0 }));
      const all_ = partitions.flatMap(({ topic, count }) => [...Array(count).keys()].map((partition) => ({ topic, partition })));
      const [ends, maxTimestamps] = await Promise.all([this.#ends(all_), this.#offsetsAt(all_, MAX_TIMESTAMP)]);
      // The first record's time costs a fetch per partition: only for topics asked by name
      // (topic describe), not for every topic of the cluster (topic list, top).
      const firsts = names === undefined ? new Map<string, number | null>() : await this.#firstTimestamps(all_, ends);
      return partitions.map(({ topic, count }) => {
        const described = [...Array(count).keys()].map((partition) => {
          const key = tpKey({ topic, partition });
          const end = ends.get(key) ?? { logStartOffset: 0, logEndOffset: 0 };
          const max = maxTimestamps.get(key);
          const empty = end.logEndOffset <= end.logStartOffset;
          return {
            partition,
            ...end,
            segments: 0,
            bytes: 0,
            firstTimestamp: empty ? null : (firsts.get(key) ?? null),
            lastTimestamp: empty || max === undefined || max.timestamp < 0 ? null : max.timestamp,
            // Kafka's protocol does not say what holds a partition's oldest segment.
            retention: { heldBy: 'unknown' as const },
          };
        });
        const topicConfigs = configs.get(topic) ?? { values: {}, defaults: [] };
        const messagesIn = described.reduce((n, p) => n + p.logEndOffset, 0);
        return {
          name: topic,
          traffic: { messagesIn, bytesIn: 0, messagesOut: 0, bytesOut: 0 },
          configs: topicConfigs.values,
          defaults: topicConfigs.defaults,
          partitions: described,
        };
      });
    });
  }

  async deleteRecords(request: DeleteRecordsRequest): Promise<DeleteRecordsResult[]> {
    return this.#call(async () => {
      const partitions = await this.#partitionsOf(request.topic, request.partitions);
      const tps = partitions.map((partition) => ({ topic: request.topic, partition }));
      const ends = await this.#ends(tps);
      const atTime = request.timestamp === undefined ? null : await this.#offsetsAt(tps, BigInt(request.timestamp));
      const targets = tps.map((tp) => {
        const end = ends.get(tpKey(tp))!;
        const wanted = atTime === null ? (request.offset ?? 0) : (atTime.get(tpKey(tp))?.offset ?? end.logEndOffset);
        // As the local broker: within [log start, log end]; never lowers the log start.
        return { partition: tp.partition, offset: Math.max(end.logStartOffset, Math.min(wanted < 0 ? end.logEndOffset : wanted, end.logEndOffset)) };
      });
      const moved = targets.filter((t) => t.offset > ends.get(tpKey({ topic: request.topic, partition: t.partition }))!.logStartOffset);
      const low = new Map<number, number>();
      if (moved.length > 0) {
        const result = await this.#admin.deleteRecords({ topics: [{ name: request.topic, partitions: moved.map((t) => ({ partition: t.partition, offset: BigInt(t.offset) })) }] });
        for (const t of result) for (const p of t.partitions) low.set(p.partition, Number(p.lowWatermark));
      }
      return targets.map((t) => {
        const before = ends.get(tpKey({ topic: request.topic, partition: t.partition }))!.logStartOffset;
        return { partition: t.partition, before, logStartOffset: low.get(t.partition) ?? before, deletedSegments: 0 };
      });
    });
  }

  async listOffsets(request: ListOffsetsRequest): Promise<PartitionOffsets[]> {
    return this.#call(async () => {
      const partitions = await this.#partitionsOf(request.topic, request.partitions);
      const tps = partitions.map((partition) => ({ topic: request.topic, partition }));
      const ends = await this.#ends(tps);
      const atTime = request.timestamp === undefined ? null : await this.#offsetsAt(tps, BigInt(request.timestamp));
      return tps.map((tp) => {
        const end = ends.get(tpKey(tp))!;
        if (atTime === null) return { partition: tp.partition, ...end };
        const found = atTime.get(tpKey(tp))?.offset ?? -1;
        return { partition: tp.partition, ...end, offset: found < 0 ? end.logEndOffset : found };
      });
    });
  }

  async listGroups(): Promise<GroupSummary[]> {
    return this.#call(async () => {
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
    });
  }

  async describeGroup(group: string): Promise<GroupDescription> {
    return this.#call(async () => {
      const d = await this.#describe(group);
      if (d === null) throw new BrokerError(ErrorCode.GroupIdNotFound, `group "${group}" does not exist`);
      return d;
    });
  }

  async deleteGroup(group: string): Promise<void> {
    await this.#call(async () => {
      const d = await this.#describe(group);
      if (d === null) throw new BrokerError(ErrorCode.GroupIdNotFound, `group "${group}" does not exist`);
      if (d.members.length > 0) throw nonEmpty(group, d.members.length, 'delete it');
      await this.#admin.deleteGroups({ groups: [group] });
    });
  }

  async resetGroupOffsets(request: ResetGroupOffsetsRequest): Promise<ResetGroupOffsetsResponse> {
    return this.#call(async () => {
      const d = await this.#describe(request.group);
      if (d === null) throw new BrokerError(ErrorCode.GroupIdNotFound, `group "${request.group}" does not exist`);
      if (d.members.length > 0) {
        throw new BrokerError(ErrorCode.NonEmptyGroup, `group "${request.group}" has ${d.members.length} active member(s); stop them before resetting offsets`);
      }
      const count = await this.#partitionCount(request.topic);
      const partitions = request.partitions ?? [...Array(count).keys()];
      for (const partition of partitions) {
        if (partition >= count) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, `topic "${request.topic}" has no partition ${partition}`);
      }
      const tps = partitions.map((partition) => ({ topic: request.topic, partition }));
      const committed = await this.#committed(request.group, tps);
      const ends = await this.#ends(tps);
      const atTime = request.to.kind === 'timestamp' ? await this.#offsetsAt(tps, BigInt(request.to.timestampMs)) : null;
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
    });
  }

  async committedOffsets(group: string, partitions: TopicPartition[]): Promise<Array<TopicPartition & { offset: number | null }>> {
    return this.#call(async () => {
      const committed = await this.#committed(group, partitions);
      return partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: committed.get(tpKey(tp)) ?? null }));
    });
  }

  async status(): Promise<TargetStatus> {
    return this.#call(async () => ({ kind: 'cluster', cluster: await this.#cluster.describe() }));
  }

  /** Run `body`, turning library errors into spool's (with `messages` for error codes). */
  async #call<T>(body: () => Promise<T>, messages: Partial<Record<number, string>> = {}): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw this.#error(err, messages);
    }
  }

  #error(err: unknown, messages: Partial<Record<number, string>> = {}): SpoolError {
    return fromKafkaError(err, this.#cluster.bootstrap, messages);
  }

  async #topicNames(): Promise<string[]> {
    return (await this.#admin.listTopics()).filter((name) => !name.startsWith('__'));
  }

  async #requireTopic(name: string): Promise<string> {
    if (!(await this.#topicNames()).includes(name)) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, topicMissing(name));
    return name;
  }

  async #partitionCount(topic: string): Promise<number> {
    await this.#requireTopic(topic);
    const metadata = await this.#admin.metadata({ topics: [topic] });
    return metadata.topics.get(topic)?.partitionsCount ?? 0;
  }

  async #partitionsOf(topic: string, asked: number[] | undefined): Promise<number[]> {
    const count = await this.#partitionCount(topic);
    if (asked === undefined) return [...Array(count).keys()];
    for (const p of asked) if (p >= count) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, `topic "${topic}" has no partition ${p}`);
    return asked;
  }

  async #topicMetadata(names: string[]): Promise<TopicMetadata[]> {
    if (names.length === 0) return [];
    const [metadata, configs] = await Promise.all([this.#admin.metadata({ topics: names }), this.#configs(names)]);
    return names.map((name) => {
      const values = configs.get(name)?.values ?? {};
      return {
        name,
        partitions: metadata.topics.get(name)?.partitionsCount ?? 0,
        maxMessageBytes: Number(values['max.message.bytes'] ?? TOPIC_CONFIG_KEYS['max.message.bytes']!.defaultValue),
        cleanupPolicy: values['cleanup.policy'] ?? 'delete',
      };
    });
  }

  /** spool's topic configs of each topic (the rest of Kafka's are not spool's business). */
  async #configs(topics: string[]): Promise<Map<string, { values: Record<string, string>; defaults: string[] }>> {
    const described = await this.#admin.describeConfigs({
      resources: topics.map((name) => ({ resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: [...TOPIC_CONFIG_NAMES] })),
    });
    const result = new Map<string, { values: Record<string, string>; defaults: string[] }>();
    for (const resource of described) {
      const values: Record<string, string> = {};
      const defaults: string[] = [];
      for (const key of TOPIC_CONFIG_NAMES) {
        const entry = resource.configs.find((c) => c.name === key);
        values[key] = entry?.value ?? TOPIC_CONFIG_KEYS[key]!.defaultValue;
        if (entry === undefined || entry.configSource !== TOPIC_CONFIG_SOURCE) defaults.push(key);
      }
      result.set(resource.resourceName, { values, defaults });
    }
    return result;
  }

  /** Log start and end offsets of `tps`. */
  async #ends(tps: readonly TopicPartition[]): Promise<Map<string, PartitionEnds>> {
    const [starts, ends] = await Promise.all([this.#offsetsAt(tps, EARLIEST), this.#offsetsAt(tps, LATEST)]);
    const result = new Map<string, PartitionEnds>();
    for (const tp of tps) {
      const key = tpKey(tp);
      result.set(key, { logStartOffset: starts.get(key)?.offset ?? 0, logEndOffset: ends.get(key)?.offset ?? 0 });
    }
    return result;
  }

  /** ListOffsets of `tps` at one timestamp (or EARLIEST, LATEST, MAX_TIMESTAMP). */
  async #offsetsAt(tps: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, { offset: number; timestamp: number }>> {
    const result = new Map<string, { offset: number; timestamp: number }>();
    if (tps.length === 0) return result;
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const listed = await this.#admin.listOffsets({
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
    });
    for (const t of listed) {
      for (const p of t.partitions) result.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { offset: Number(p.offset), timestamp: Number(p.timestamp) });
    }
    return result;
  }

  async #firstTimestamps(tps: readonly TopicPartition[], ends: Map<string, PartitionEnds>): Promise<Map<string, number | null>> {
    const result = new Map<string, number | null>();
    await Promise.all(
      tps.map(async (tp) => {
        const end = ends.get(tpKey(tp))!;
        if (end.logEndOffset <= end.logStartOffset) return;
        result.set(tpKey(tp), await this.#cluster.firstTimestamp(tp.topic, tp.partition, end.logStartOffset));
      }),
    );
    return result;
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
    const known = new Set(await this.#topicNames());
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
    const ends = await this.#ends(tps);
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

function topicMissing(name: string): string {
  return `topic "${name}" does not exist`;
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
