// client.producer() (SPEC §10): send(topic, records) resolves to each record's partition and
// offset once the broker acknowledged it. Underneath is the target's producer that `spool
// produce` uses (one per topic: idempotent, batching, Kafka's partitioner, an in-flight window),
// so concurrent sends share batches and a retried batch is never stored twice. A failed batch
// rejects the sends it holds and every send after it on that topic; the next send starts a new
// producer (a new producer id), so one refusal does not end the program's producing.
import { isCompacted, missingKeyProblem, oversizeProblem } from '../client/message-size.js';
import type { RecordProducer, Target } from '../client/target/target.js';
import { SpoolError, UsageError } from '../common/errors.js';
import type { TopicMetadata } from '../protocol/messages/metadata.js';
import { COMPRESSION_NAMES, Compression } from '../records/compression-codecs.js';
import { libraryError, MessageTooLargeError, translated } from './errors.js';
import { checkTopicName } from './names.js';
import { encodeHeadersInput, timestampOf, toNullableBuffer, type ProducerRecord, type RecordMetadata } from './records.js';

export type CompressionName = (typeof COMPRESSION_NAMES)[number];

export interface ProducerOptions {
  /** Acknowledged only once fsynced, whatever the broker's policy (`--durable`). */
  durable?: boolean;
  /** How long a batch waits for more records (default 5, as `spool produce`). */
  lingerMs?: number;
  compression?: CompressionName;
  /** How long a broker that went away is waited for before sends fail (default 30000). */
  reconnectTimeoutMs?: number;
}

const DEFAULT_LINGER_MS = 5;
const DEFAULT_RECONNECT_TIMEOUT_MS = 30_000;
const MAX_BATCH_BYTES = 1 << 20;
const MAX_IN_FLIGHT = 4;

/** One send waiting for its records' acknowledgements. */
interface PendingSend {
  results: RecordMetadata[];
  remaining: number;
  resolve: (results: RecordMetadata[]) => void;
  reject: (err: Error) => void;
}

/** A record appended and not yet acknowledged: which send it belongs to, and where in it. */
interface Slot {
  send: PendingSend;
  index: number;
}

/** Slots in append order, one queue per partition (acknowledgements come in that order). */
class SlotQueue {
  #items: Slot[] = [];
  #head = 0;

  push(slot: Slot): void {
    this.#items.push(slot);
  }

  shift(): Slot | undefined {
    const slot = this.#items[this.#head];
    if (slot === undefined) return undefined;
    this.#items[this.#head++] = undefined as unknown as Slot;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return slot;
  }

  drain(): Slot[] {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return rest;
  }
}

/** The producer of one topic, its metadata, and its records waiting for acknowledgement. */
class TopicSender {
  readonly topic: TopicMetadata;
  readonly producer: RecordProducer;
  readonly #slots: SlotQueue[];
  readonly #onFailed: () => void;
  readonly #lingerMs: number;
  #unacknowledged = 0;
  #watching = false;

  private constructor(topic: TopicMetadata, producer: RecordProducer, slots: SlotQueue[], lingerMs: number, onFailed: () => void) {
    this.topic = topic;
    this.#lingerMs = lingerMs;
    this.producer = producer;
    this.#slots = slots;
    this.#onFailed = onFailed;
  }

  static async open(target: Target, topic: TopicMetadata, options: ProducerOptions, onFailed: () => void): Promise<TopicSender> {
    const slots = Array.from({ length: topic.partitions }, () => new SlotQueue());
    let sender: TopicSender | null = null;
    const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
    const producer = await target.producer({
      topic: topic.name,
      partitions: topic.partitions,
      lingerMs,
      batchBytes: Math.min(MAX_BATCH_BYTES, topic.maxMessageBytes),
      maxInFlight: MAX_IN_FLIGHT,
      durable: options.durable === true,
      compression: compressionOf(options.compression),
      reconnectTimeoutMs: options.reconnectTimeoutMs ?? DEFAULT_RECONNECT_TIMEOUT_MS,
      onAck: (partition, baseOffset, count) => sender?.acknowledged(partition, baseOffset, count),
    });
    sender = new TopicSender(topic, producer, slots, lingerMs, onFailed);
    return sender;
  }

  get failed(): boolean {
    return this.producer.failure !== null;
  }

  /** Frame the records (already checked) into batches, keeping to the in-flight window. */
  async append(records: readonly CheckedRecord[], send: PendingSend): Promise<void> {
    const producer = this.producer;
    for (let i = 0; i < records.length; i++) {
      if (producer.backlogged) await producer.whenWritable();
      if (producer.failure !== null) throw producer.failure;
      const r = records[i]!;
      const partition = r.partition ?? producer.partitionFor(r.key);
      producer.append(partition, r.timestamp, r.key, r.value, 0, r.value?.length ?? 0, r.headers);
      this.#slots[partition]!.push({ send, index: i });
      this.#unacknowledged++;
    }
    this.#watch();
  }

  flush(): Promise<void> {
    return this.producer.flush();
  }

  /** The producer's onAck: the batch's records, in append order, are stored from `baseOffset`. */
  acknowledged(partition: number, baseOffset: number, count: number): void {
    const queue = this.#slots[partition]!;
    for (let i = 0; i < count; i++) {
      const slot = queue.shift();
      if (slot === undefined) return;
      this.#unacknowledged--;
      slot.send.results[slot.index] = { partition, offset: baseOffset + i };
      if (--slot.send.remaining === 0) slot.send.resolve(slot.send.results);
    }
  }

  /**
   * Wait for the answers to what was appended: the producer reports acknowledgements as they
   * come, but a failure only through flush(), which then rejects every send still waiting.
   * The wait starts after the linger time, so that flush() does not send a batch early that
   * concurrent sends would still have filled.
   */
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    void (async () => {
      try {
        await new Promise((resolve) => (this.#lingerMs > 0 ? setTimeout(resolve, this.#lingerMs) : setImmediate(resolve)));
        while (this.#unacknowledged > 0) await this.producer.flush();
      } catch (err) {
        this.#failAll(libraryError(err));
      } finally {
        this.#watching = false;
      }
    })();
  }

  #failAll(err: Error): void {
    this.#onFailed();
    const failed = new Set<PendingSend>();
    for (const queue of this.#slots) for (const slot of queue.drain()) failed.add(slot.send);
    this.#unacknowledged = 0;
    for (const send of failed) send.reject(err);
  }
}

/** A record converted and checked against its topic, ready to append. */
interface CheckedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Buffer;
  timestamp: number;
  partition: number | undefined;
}

export class Producer {
  readonly #target: Target;
  readonly #options: ProducerOptions;
  readonly #senders = new Map<string, Promise<TopicSender>>();
  /** Sends not yet settled: flush() returns after every one of them. */
  readonly #unsettled = new Set<Promise<unknown>>();
  #closed = false;

  constructor(target: Target, options: ProducerOptions = {}) {
    if (options.compression !== undefined && !COMPRESSION_NAMES.includes(options.compression)) {
      throw new UsageError(`invalid compression "${String(options.compression)}": use ${COMPRESSION_NAMES.join(', ')}`);
    }
    for (const [name, value] of [['lingerMs', options.lingerMs], ['reconnectTimeoutMs', options.reconnectTimeoutMs]] as const) {
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) throw new UsageError(`invalid ${name} ${String(value)}: use a non-negative integer`);
    }
    this.#target = target;
    this.#options = options;
  }

  /**
   * Send records to `topic` (created with the broker's default partitions when missing, as
   * `spool produce` does). Resolves with each record's partition and offset, in the order given,
   * once every one of them is acknowledged. A record that cannot be sent (over
   * max.message.bytes, no key for a compacted topic, a partition that does not exist) rejects
   * the send before any of its records goes out.
   */
  send(topic: string, records: ProducerRecord | readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const sent = this.#send(topic, records);
    const settled: Promise<unknown> = sent.then(
      (): unknown => this.#unsettled.delete(settled),
      (): unknown => this.#unsettled.delete(settled),
    );
    this.#unsettled.add(settled);
    return sent;
  }

  #send(topic: string, records: ProducerRecord | readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    return translated(async () => {
      if (this.#closed) throw new SpoolError('the producer is closed');
      checkTopicName(topic);
      const list: readonly ProducerRecord[] = Array.isArray(records) ? records : [records as ProducerRecord];
      let sender = await this.#sender(topic);
      if (sender.failed) {
        this.#senders.delete(topic);
        sender = await this.#sender(topic);
      }
      const checked = checkRecords(sender.topic, list);
      if (checked.length === 0) return [];
      return new Promise<RecordMetadata[]>((resolve, reject) => {
        const send: PendingSend = { results: new Array<RecordMetadata>(checked.length), remaining: checked.length, resolve, reject };
        sender.append(checked, send).catch((err: unknown) => reject(libraryError(err)));
      });
    });
  }

  /** Send whatever waits in a batch now, and wait until every send so far is settled. */
  flush(): Promise<void> {
    return translated(async () => {
      const senders = await Promise.allSettled([...this.#senders.values()]);
      for (const s of senders) if (s.status === 'fulfilled') await s.value.flush().catch(() => {});
      // A failure is told by the sends it fails; flush() is over when every send is settled.
      await Promise.all([...this.#unsettled]);
    });
  }

  /** Flush, then take no more sends. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
    }
  }

  #sender(topic: string): Promise<TopicSender> {
    let sender = this.#senders.get(topic);
    if (sender === undefined) {
      sender = openSender(this.#target, topic, this.#options, () => {
        if (this.#senders.get(topic) === sender) this.#senders.delete(topic);
      });
      this.#senders.set(topic, sender);
      // A topic that could not be opened is tried again by the next send.
      sender.catch(() => {
        if (this.#senders.get(topic) === sender) this.#senders.delete(topic);
      });
    }
    return sender;
  }
}

async function openSender(target: Target, name: string, options: ProducerOptions, onFailed: () => void): Promise<TopicSender> {
  const metadata = await target.admin.metadata({ topics: [name], autoCreate: true });
  const topic = metadata.topics.find((t) => t.name === name);
  if (topic === undefined) throw new SpoolError(`topic "${name}" could not be created`);
  return TopicSender.open(target, topic, options, onFailed);
}

function compressionOf(name: CompressionName | undefined): Compression {
  switch (name) {
    case undefined:
    case 'none':
      return Compression.None;
    case 'gzip':
      return Compression.Gzip;
    case 'snappy':
      return Compression.Snappy;
    case 'lz4':
      return Compression.Lz4;
    case 'zstd':
      return Compression.Zstd;
  }
}

/** Convert and check every record before any is sent: a bad one fails the whole send. */
function checkRecords(topic: TopicMetadata, records: readonly ProducerRecord[]): CheckedRecord[] {
  const now = Date.now();
  const compacted = isCompacted(topic.cleanupPolicy);
  return records.map((record, i) => {
    const where = records.length === 1 ? '' : `record ${i}: `;
    if (record === null || typeof record !== 'object') throw new UsageError(`${where}a record is an object with a value`);
    const key = toNullableBuffer(record.key, `${where}key`);
    if (record.value === undefined) throw new UsageError(`${where}the record has no value (use null for a tombstone)`);
    const value = toNullableBuffer(record.value, `${where}value`);
    const headers = encodeHeadersInput(record.headers);
    const partition = record.partition;
    if (partition !== undefined && !(Number.isSafeInteger(partition) && partition >= 0 && partition < topic.partitions)) {
      throw new SpoolError(`${where}topic "${topic.name}" has ${topic.partitions} partition(s); partition ${String(partition)} does not exist`);
    }
    const tooLarge = oversizeProblem(key === null ? -1 : key.length, value === null ? -1 : value.length, headers.length, topic.maxMessageBytes);
    if (tooLarge !== null) throw new MessageTooLargeError(where + tooLarge);
    if (compacted && key === null) throw new SpoolError(where + missingKeyProblem(topic.name, topic.cleanupPolicy, 'give each record a key'));
    return { key, value, headers, timestamp: timestampOf(record.timestamp, now), partition };
  });
}
