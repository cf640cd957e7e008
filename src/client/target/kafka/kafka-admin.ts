// KafkaAdmin: TargetAdmin over a Kafka cluster, through the client library's Admin. Every
// answer is the shape the local broker gives (protocol/messages/*), computed from Kafka's own
// calls: Metadata, DescribeConfigs, ListOffsets (earliest, latest, by time, max timestamp),
// CreateTopics, CreatePartitions, IncrementalAlterConfigs, DeleteTopics and DeleteRecords; the
// group calls are KafkaGroupAdmin's (kafka-group-admin.ts). Errors carry the local broker's words. What a cluster does not tell is filled
// in as documented in spool(1) REMOTE MODE: segments 0, bytes 0, deletedSegments 0, a group's
// generation -1, a member's pid null.
import type { Admin } from '@platformatic/kafka';
import { ErrorCode } from '../../../common/error-codes.js';
import { BrokerError, SpoolError } from '../../../common/errors.js';
import { isGlob, matchesAny } from '../../../common/glob.js';
import { TOPIC_CONFIG_KEYS, TOPIC_CONFIG_NAMES } from '../../../common/topic-config.js';
import type { AlterTopicRequest } from '../../../protocol/messages/alter-topic.js';
import type { CreateTopicsRequest } from '../../../protocol/messages/create-topics.js';
import type { DeleteRecordsRequest, DeleteRecordsResult } from '../../../protocol/messages/delete-records.js';
import type { TopicDescription } from '../../../protocol/messages/describe-topics.js';
import type { GroupDescription, GroupSummary, ResetGroupOffsetsRequest, ResetGroupOffsetsResponse } from '../../../protocol/messages/group-admin.js';
import type { ListOffsetsRequest, PartitionOffsets } from '../../../protocol/messages/list-offsets.js';
import type { MetadataRequest, MetadataResponse, TopicMetadata } from '../../../protocol/messages/metadata.js';
import type { TopicPartition } from '../../../protocol/messages/topic-partitions.js';
import type { TargetAdmin, TargetStatus } from '../target.js';
import { fromKafkaError, kafkaErrorCode } from './kafka-errors.js';
import type { KafkaCluster } from './kafka-cluster.js';
import { KafkaGroupAdmin } from './kafka-group-admin.js';
import { MAX_TIMESTAMP, byName, offsetsAt, partitionCount, partitionEnds, requireTopic, topicMissing, topicNames, tpKey, type PartitionEnds } from './kafka-lookups.js';

const TOPIC_RESOURCE = 2;
const TOPIC_CONFIG_SOURCE = 1;
const CONFIG_SET = 0;
const CONFIG_DELETE = 1;

const ACKS_DURABILITY = { [-1]: 'replicated', 1: 'leader', 0: 'unacknowledged' } as const;


export class KafkaAdmin implements TargetAdmin {
  readonly #cluster: KafkaCluster;
  readonly #groups: KafkaGroupAdmin;

  constructor(cluster: KafkaCluster) {
    this.#cluster = cluster;
    this.#groups = new KafkaGroupAdmin(cluster);
  }

  get #admin(): Admin {
    return this.#cluster.admin;
  }

  async metadata(request: MetadataRequest): Promise<MetadataResponse> {
    return this.#call(async () => {
      const all = await topicNames(this.#admin);
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
      const [topic] = await this.#topicMetadata([await requireTopic(this.#admin, name)]);
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
      const all = await topicNames(this.#admin);
      for (const name of names ?? []) if (!isGlob(name) && !all.includes(name)) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, topicMissing(name));
      const chosen = (names === undefined ? all : all.filter((n) => matchesAny(n, names))).sort(byName);
      if (chosen.length === 0) return [];
      const [metadata, configs] = await Promise.all([this.#admin.metadata({ topics: chosen }), this.#configs(chosen)]);
      const partitions = chosen.map((topic) => ({ topic, count: metadata.topics.get(topic)?.partitionsCount ?? 0 }));
      const all_ = partitions.flatMap(({ topic, count }) => [...Array(count).keys()].map((partition) => ({ topic, partition })));
      const [ends, maxTimestamps] = await Promise.all([partitionEnds(this.#admin, all_), offsetsAt(this.#admin, all_, MAX_TIMESTAMP)]);
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
      const ends = await partitionEnds(this.#admin, tps);
      const atTime = request.timestamp === undefined ? null : await offsetsAt(this.#admin, tps, BigInt(request.timestamp));
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
      const ends = await partitionEnds(this.#admin, tps);
      const atTime = request.timestamp === undefined ? null : await offsetsAt(this.#admin, tps, BigInt(request.timestamp));
      return tps.map((tp) => {
        const end = ends.get(tpKey(tp))!;
        if (atTime === null) return { partition: tp.partition, ...end };
        const found = atTime.get(tpKey(tp))?.offset ?? -1;
        return { partition: tp.partition, ...end, offset: found < 0 ? end.logEndOffset : found };
      });
    });
  }

  listGroups(): Promise<GroupSummary[]> {
    return this.#call(() => this.#groups.list());
  }

  describeGroup(group: string): Promise<GroupDescription> {
    return this.#call(() => this.#groups.describe(group));
  }

  deleteGroup(group: string): Promise<void> {
    return this.#call(() => this.#groups.delete(group));
  }

  resetGroupOffsets(request: ResetGroupOffsetsRequest): Promise<ResetGroupOffsetsResponse> {
    return this.#call(() => this.#groups.resetOffsets(request));
  }

  committedOffsets(group: string, partitions: TopicPartition[]): Promise<Array<TopicPartition & { offset: number | null }>> {
    return this.#call(() => this.#groups.committedOffsets(group, partitions));
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

  async #partitionsOf(topic: string, asked: number[] | undefined): Promise<number[]> {
    const count = await partitionCount(this.#admin, topic);
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

}

