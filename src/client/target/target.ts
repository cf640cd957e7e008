// Target: where the commands' records and admin calls go — the local broker's Unix socket
// (socket-target.ts) or a Kafka cluster (kafka/kafka-target.ts). Commands and formatters see
// only this interface and the protocol/ shapes it returns (the same objects the admin commands
// print with --json), so a command never asks which kind of target it talks to.
//
// Records travel as RecordBatch v2 bytes both ways: a producer frames them into batches, a
// fetcher hands back whole batches (FetchedPartition.records) that records/record-cursor.ts walks.
// A target that receives records in another form re-encodes them into batches, so every format,
// filter and JSON field is computed by the same code whatever the target.
import type { ByteArena } from '../../common/byte-arena.js';
import type { BrokerUnavailableError } from '../../common/errors.js';
import type { AlterTopicRequest } from '../../protocol/messages/alter-topic.js';
import type { BrokerStatusResponse } from '../../protocol/messages/broker-status.js';
import type { CreateTopicsRequest } from '../../protocol/messages/create-topics.js';
import type { DeleteRecordsRequest, DeleteRecordsResult } from '../../protocol/messages/delete-records.js';
import type { TopicDescription } from '../../protocol/messages/describe-topics.js';
import type { GroupDescription, GroupSummary, ResetGroupOffsetsRequest, ResetGroupOffsetsResponse } from '../../protocol/messages/group-admin.js';
import type { ListOffsetsRequest, PartitionOffsets } from '../../protocol/messages/list-offsets.js';
import type { MetadataRequest, MetadataResponse } from '../../protocol/messages/metadata.js';
import type { PartitionOffset } from '../../protocol/messages/offset-commit.js';
import type { TopicPartition } from '../../protocol/messages/topic-partitions.js';
import type { Compression } from '../../records/record-batch.js';
import type { ConsumerOptions, FetchedPartition, PartitionPosition } from '../consumer.js';
import type { Assignment, MembershipOptions } from '../group-membership.js';
import type { ProduceFailure } from '../producer.js';

/** A Kafka cluster as DescribeCluster and ApiVersions tell it (`broker status --broker kafka://…`). */
export interface ClusterStatus {
  clusterId: string;
  controller: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
  /** Per API the versions both the cluster (the bootstrap broker answering) and the client speak. */
  apiVersions: Array<{ api: string; minVersion: number; maxVersion: number }>;
  /** The addresses given, as `HOST:PORT`. */
  bootstrap: string[];
}

/** What `broker status` and `top` show of the target: the local daemon, or a cluster. */
export type TargetStatus = { kind: 'broker'; broker: BrokerStatusResponse } | { kind: 'cluster'; cluster: ClusterStatus };

/** Topic and group administration; every answer is the shape SPEC §4's --json outputs print. */
export interface TargetAdmin {
  /** Topics by name or glob pattern; `autoCreate` creates a missing plain name (produce). */
  metadata(request: MetadataRequest): Promise<MetadataResponse>;
  /** False when the topic existed and `ifNotExists` was set. */
  createTopic(request: CreateTopicsRequest): Promise<boolean>;
  deleteTopic(name: string): Promise<void>;
  alterTopic(request: AlterTopicRequest): Promise<void>;
  /** Every topic without `names`; a missing name is left out of the answer. */
  describeTopics(names?: string[]): Promise<TopicDescription[]>;
  deleteRecords(request: DeleteRecordsRequest): Promise<DeleteRecordsResult[]>;
  listOffsets(request: ListOffsetsRequest): Promise<PartitionOffsets[]>;
  listGroups(): Promise<GroupSummary[]>;
  describeGroup(group: string): Promise<GroupDescription>;
  deleteGroup(group: string): Promise<void>;
  resetGroupOffsets(request: ResetGroupOffsetsRequest): Promise<ResetGroupOffsetsResponse>;
  /** The group's committed offsets of `partitions` (null where nothing is committed). */
  committedOffsets(group: string, partitions: TopicPartition[]): Promise<Array<TopicPartition & { offset: number | null }>>;
  status(): Promise<TargetStatus>;
}

export interface RecordProducerOptions {
  topic: string;
  partitions: number;
  /** How long a batch may wait for more records; 0 sends at the end of the current turn. */
  lingerMs: number;
  batchBytes: number;
  maxInFlight: number;
  /** Acknowledged only once stored durably (fsynced locally; acks=all on a cluster, always). */
  durable: boolean;
  compression: Compression;
  /** Called for each acknowledged batch, in send order per partition. */
  onAck?: (partition: number, baseOffset: number, count: number) => void;
  /** How long a lost connection is waited for before unacknowledged batches fail; 0: at once. */
  reconnectTimeoutMs: number;
  /** Memory for the batches, shared with the input (see common/byte-arena.ts); a target may ignore it. */
  memory?: ByteArena;
}

/**
 * An idempotent producer of one topic. append() frames a record into its partition's batch;
 * keep to the in-flight window (backlogged / whenWritable); flush() sends what is open and waits
 * for every answer. After a failure nothing later is sent: what is stored of each partition is
 * exactly the acknowledged records, a prefix of its input.
 */
export interface RecordProducer {
  /** Records acknowledged (with idempotence: exactly the records stored). */
  readonly acknowledged: number;
  /** The failed batch that began earliest in the input, if any. */
  readonly failure: ProduceFailure | null;
  readonly backlogged: boolean;
  /** Kafka's default partitioner: murmur2(key) for a key, a sticky partition per batch without. */
  partitionFor(key: Buffer | null): number;
  /** `headers` are encoded as in a record (records/headers.ts); the value is value[valueStart, valueEnd). */
  append(partition: number, timestamp: number, key: Buffer | null, value: Buffer | null, valueStart: number, valueEnd: number, headers: Buffer): void;
  /**
   * A producer that frames runs of delimited values in one call (the local broker's; see
   * Producer.appendValues) offers this; buf[pos, end) is whole values, each followed by the
   * one-byte `delimiter`. Returns where it stopped; `pos` when the next value needs append().
   */
  appendValues?(
    partition: number,
    timestamp: number,
    key: Buffer | null,
    headers: Buffer,
    buf: Buffer,
    pos: number,
    end: number,
    delimiter: number,
    nullEmpty: boolean,
    maxValueBytes: number,
  ): number;
  /** Records appended so far, with appendValues. */
  readonly appended?: number;
  whenWritable(): Promise<void>;
  flush(): Promise<void>;
}

/**
 * Reads assigned partitions from their positions. At most one fetch is in flight and one
 * answer is being handed over, so memory stays bounded; poll() may send the next fetch before
 * it hands the data over (the socket's consumer does when it is behind, Kafka's always).
 */
export interface RecordFetcher {
  assign(position: PartitionPosition): void;
  unassign(topic: string, partition: number): void;
  position(topic: string, partition: number): PartitionPosition | undefined;
  assignment(): PartitionPosition[];
  /** The data of one fetch (possibly empty after the max wait). */
  poll(): Promise<FetchedPartition[]>;
  /** Fetched data until every partition reached its stop offset, or `signal` aborts. */
  fetches(signal?: AbortSignal): AsyncGenerator<FetchedPartition[]>;
  /** The memory of handed-over data may be reused (nothing refers to it any more). */
  recycle(fetched: readonly FetchedPartition[]): void;
}

/** One member of a consumer group: its assignments and commits. */
export interface GroupMember {
  readonly memberId: string;
  readonly memberEpoch: number;
  /** The first assignment. */
  join(): Promise<Assignment>;
  /** Follow the group until stop(): later assignments and fatal errors go to the callbacks. */
  start(onAssignment: (assignment: Assignment) => void, onError: (err: Error) => void): void;
  /** What this member owns now, after it took on or gave up partitions. */
  reportOwned(owned: TopicPartition[]): void;
  /** Resolves when the coordinator has answered again (with it, the current epoch). */
  nextAnswer(): Promise<void>;
  commit(offsets: PartitionOffset[]): Promise<void>;
  leave(): Promise<void>;
  stop(): void;
}

/** The connection was lost (`lost`) or is back (`back`). */
export type TargetEvent = { kind: 'lost'; reason: string } | { kind: 'back' };

export interface Target {
  /** Where it is, for messages: the socket path, or the cluster's bootstrap addresses. */
  readonly address: string;
  readonly admin: TargetAdmin;
  /** Told when the connection is lost and when it is back. */
  onEvent: (event: TargetEvent) => void;
  /** An idempotent producer for `options.topic` (ids and epochs are the target's business). */
  producer(options: RecordProducerOptions): Promise<RecordProducer>;
  fetcher(options: ConsumerOptions): RecordFetcher;
  groupMember(options: MembershipOptions): GroupMember;
  /**
   * After `lost` ended the connection: wait until the target answers again (false when `signal`
   * aborted the wait). Fetchers and group members made before it are then made again.
   */
  reconnect(lost: BrokerUnavailableError, signal: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}
