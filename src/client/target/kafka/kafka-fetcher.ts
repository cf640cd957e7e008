// KafkaFetcher: the fetch loop of client/consumer.ts over a Kafka cluster. Positions are kept
// here; one round of Fetch requests (one per partition leader, sent together) is in flight at a
// time, and the next round goes out before the data of the last one is handed over. The
// library decodes the batches; record-batches.ts encodes them back into RecordBatch v2 so the
// consume formatters read them as they read the local broker's. A moved leader or a stale
// topic id refreshes the metadata; a position below the log start (or past the end) is moved
// as the local consumer moves it, and said.
import type { Consumer } from '@platformatic/kafka';
import { ErrorCode, errorCodeInfo } from '../../../common/error-codes.js';
import { BrokerError, SpoolError } from '../../../common/errors.js';
import { endOffsetOf } from '../../../records/record-batch.js';
import type { ConsumerOptions, FetchedPartition, PartitionPosition } from '../../consumer.js';
import type { RecordFetcher } from '../target.js';
import { fromKafkaError, innermostMessage, isAuthenticationFailure, isUnreachable, kafkaErrorCode } from './kafka-errors.js';
import type { KafkaCluster } from './kafka-cluster.js';
import { encodeBatches } from './record-batches.js';

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;
type FetchResponsePartition = FetchResponse['responses'][number]['partitions'][number];

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Errors after which the metadata is read again and the partition fetched on the next round. */
const STALE_METADATA = new Set<number>([
  ErrorCode.NotLeaderOrFollower,
  ErrorCode.LeaderNotAvailable,
  ErrorCode.FencedLeaderEpoch,
  ErrorCode.UnknownLeaderEpoch,
  ErrorCode.UnknownTopicId,
  ErrorCode.UnknownTopicOrPartition,
]);

interface Route {
  leader: number;
  topicId: string;
}

export class KafkaFetcher implements RecordFetcher {
  readonly #cluster: KafkaCluster;
  readonly #options: ConsumerOptions;
  readonly #positions = new Map<string, PartitionPosition>();
  readonly #routes = new Map<string, Route>();
  readonly #topicById = new Map<string, string>();
  #refresh = true;
  /** Rounds in a row that found a partition unknown (a deleted topic fails after a few). */
  #unknownRounds = 0;
  #rotation = 0;
  #inFlight: Promise<FetchedPartition[]> | null = null;

  constructor(cluster: KafkaCluster, options: ConsumerOptions) {
    this.#cluster = cluster;
    this.#options = options;
  }

  assign(position: PartitionPosition): void {
    this.#positions.set(key(position.topic, position.partition), { ...position });
    if (!this.#routes.has(key(position.topic, position.partition))) this.#refresh = true;
  }

  unassign(topic: string, partition: number): void {
    this.#positions.delete(key(topic, partition));
  }

  position(topic: string, partition: number): PartitionPosition | undefined {
    return this.#positions.get(key(topic, partition));
  }

  assignment(): PartitionPosition[] {
    return [...this.#positions.values()];
  }

  recycle(): void {
    // Fetched data is encoded into buffers of its own: nothing to give back.
  }

  async *fetches(signal?: AbortSignal): AsyncGenerator<FetchedPartition[]> {
    while (!signal?.aborted && (this.#inFlight !== null || this.#active().length > 0)) {
      const fetched = await this.poll();
      if (signal?.aborted) return;
      if (fetched.length > 0) yield fetched;
    }
  }

  async poll(): Promise<FetchedPartition[]> {
    this.#inFlight ??= this.#round();
    const fetched = await this.#inFlight;
    this.#inFlight = this.#active().length > 0 ? this.#round() : null;
    // The round sent ahead may never be awaited (the caller stops first).
    this.#inFlight?.catch(() => {});
    return fetched;
  }

  #active(): PartitionPosition[] {
    const active = [...this.#positions.values()].filter((p) => p.stopOffset === undefined || p.offset < p.stopOffset);
    if (active.length > 1) {
      const shift = this.#rotation++ % active.length;
      return [...active.slice(shift), ...active.slice(0, shift)];
    }
    return active;
  }

  /** One Fetch per leader, together; the data of all of them, positions moved past it. */
  async #round(): Promise<FetchedPartition[]> {
    const active = this.#active();
    if (active.length === 0) return [];
    try {
      if (this.#refresh) await this.#loadRoutes(active);
      const byLeader = new Map<number, PartitionPosition[]>();
      for (const p of active) {
        const route = this.#routes.get(key(p.topic, p.partition));
        if (route === undefined) continue;
        byLeader.set(route.leader, [...(byLeader.get(route.leader) ?? []), p]);
      }
      if (byLeader.size === 0) {
        await new Promise((resolve) => setTimeout(resolve, this.#options.maxWaitMs));
        this.#refresh = true;
        return [];
      }
      const responses = await Promise.all([...byLeader].map(([leader, positions]) => this.#fetchFrom(leader, positions)));
      return responses.flatMap((response) => this.#advance(response));
    } catch (err) {
      if (kafkaErrorCode(err) !== null || isUnreachable(err) || isAuthenticationFailure(err)) throw fromKafkaError(err, this.#cluster.bootstrap);
      // Anything else comes from decoding the fetched batches (the library decompresses them).
      const where = [...new Set(active.map((p) => p.topic))].join(', ');
      throw new SpoolError(
        `cannot read the batches fetched from ${where}: ${innermostMessage(err)} (the Kafka client reads gzip, lz4, snappy without xerial framing, and zstd on Node 22 or later)`,
      );
    }
  }

  async #loadRoutes(active: readonly PartitionPosition[]): Promise<void> {
    const topics = [...new Set(active.map((p) => p.topic))];
    const metadata = await this.#cluster.consumer.metadata({ topics, forceUpdate: true });
    for (const topic of topics) {
      const info = metadata.topics.get(topic);
      if (info === undefined) continue;
      this.#topicById.set(info.id, topic);
      info.partitions.forEach((p, partition) => {
        if (p !== undefined && p.leader >= 0) this.#routes.set(key(topic, partition), { leader: p.leader, topicId: info.id });
      });
    }
    this.#refresh = false;
  }

  async #fetchFrom(leader: number, positions: readonly PartitionPosition[]): Promise<FetchResponse> {
    const byTopic = new Map<string, PartitionPosition[]>();
    for (const p of positions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    const request = {
      node: leader,
      maxWaitTime: this.#options.maxWaitMs,
      minBytes: 1,
      maxBytes: this.#options.maxBytes,
      topics: [...byTopic].map(([topic, parts]) => ({
        topicId: this.#routes.get(key(topic, parts[0]!.partition))!.topicId,
        partitions: parts.map((p) => ({
          partition: p.partition,
          fetchOffset: BigInt(p.offset),
          currentLeaderEpoch: -1,
          lastFetchedEpoch: -1,
          partitionMaxBytes: this.#options.partitionMaxBytes,
        })),
      })),
    };
    try {
      return await this.#cluster.consumer.fetch(request);
    } catch (err) {
      // Partition errors come with the whole response: the other partitions' data is in it.
      const response = responseOf(err);
      if (response === null) throw err;
      return response;
    }
  }

  #advance(response: FetchResponse): FetchedPartition[] {
    const fetched: FetchedPartition[] = [];
    let unknown = false;
    for (const t of response.responses) {
      const topic = this.#topicById.get(t.topicId);
      if (topic === undefined) continue;
      for (const p of t.partitions) {
        const position = this.#positions.get(key(topic, p.partitionIndex));
        if (position === undefined) continue; // unassigned while the fetch was out
        if (p.errorCode === ErrorCode.OffsetOutOfRange) {
          this.#resetOutOfRange(position, Number(p.logStartOffset), Number(p.highWatermark));
          continue;
        }
        if (STALE_METADATA.has(p.errorCode)) {
          this.#refresh = true;
          unknown ||= p.errorCode === ErrorCode.UnknownTopicOrPartition || p.errorCode === ErrorCode.UnknownTopicId;
          continue;
        }
        if (p.errorCode !== ErrorCode.None) throw fetchError(topic, p.partitionIndex, p.errorCode);
        const data = this.#partitionData(topic, position, p);
        if (data !== null) fetched.push(data);
      }
    }
    this.#unknownRounds = unknown ? this.#unknownRounds + 1 : 0;
    if (this.#unknownRounds > 5) {
      const gone = [...this.#positions.values()][0];
      throw fetchError(gone?.topic ?? '?', gone?.partition ?? 0, ErrorCode.UnknownTopicOrPartition);
    }
    return fetched;
  }

  #partitionData(topic: string, position: PartitionPosition, p: FetchResponsePartition): FetchedPartition | null {
    const batches = p.records ?? [];
    if (batches.length === 0) return null;
    const records = encodeBatches(batches);
    const fetchOffset = position.offset;
    position.offset = Math.max(position.offset, endOffsetOf(records));
    return { topic, partition: p.partitionIndex, fetchOffset, stopOffset: position.stopOffset, highWatermark: Number(p.highWatermark), records };
  }

  #resetOutOfRange(position: PartitionPosition, logStartOffset: number, logEndOffset: number): void {
    const from = position.offset;
    position.offset = from < logStartOffset ? logStartOffset : logEndOffset;
    this.#options.onOffsetReset?.(position.topic, position.partition, from, position.offset);
  }
}

/** The response a library ResponseError carries (partition error codes with the rest's data). */
function responseOf(err: unknown): FetchResponse | null {
  const seen: unknown[] = [err];
  while (seen.length > 0) {
    const e = seen.shift() as { response?: unknown; errors?: unknown; cause?: unknown } | null;
    if (typeof e !== 'object' || e === null) continue;
    const response = e.response as FetchResponse | undefined;
    if (response !== undefined && Array.isArray(response.responses)) return response;
    if (Array.isArray(e.errors)) seen.push(...e.errors);
    if (e.cause !== undefined) seen.push(e.cause);
  }
  return null;
}

function fetchError(topic: string, partition: number, code: number): BrokerError {
  if (code === ErrorCode.UnknownTopicOrPartition) {
    return new BrokerError(code, `${topic}/${partition} no longer exists (the topic was deleted while it was read)`);
  }
  return new BrokerError(code as ErrorCode, `fetch from ${topic}/${partition} failed (${errorCodeInfo(code).name})`);
}
