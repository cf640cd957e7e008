// KafkaProducer: RecordProducer over a Kafka cluster. Records are gathered per partition as the
// local producer gathers them (a batch goes when it is full or its linger time is up; unkeyed
// records stick to one partition per batch, keyed ones go where murmur2 puts them, as Kafka's
// default partitioner does), and each batch is one send() of the client library's idempotent
// producer (acks=all), at most `maxInFlight` unacknowledged. The library keeps the producer id,
// epoch and sequences, and retries; after a failed batch nothing later is sent. The library moves
// a partition's sequence on only when a send is answered, so one send per partition is in flight
// at a time; the partition's next batches wait their turn (inside the same window).
import type { MessageToProduce } from '@platformatic/kafka';
import { ErrorCode } from '../../../common/error-codes.js';
import { SpoolError } from '../../../common/errors.js';
import { partitionForKey } from '../../../records/murmur2.js';
import { COMPRESSION_NAMES } from '../../../records/compression-codecs.js';
import { ProduceFailure } from '../../producer.js';
import type { RecordProducer, RecordProducerOptions } from '../target.js';
import { fromKafkaError } from './kafka-errors.js';
import type { KafkaCluster } from './kafka-cluster.js';

type Headers = Map<Buffer, Buffer | null>;

/**
 * The library encodes a batch through many small buffers; its cost per record grows with the
 * batch (1 MiB batches took twice as long per record as 64 KiB ones, here, measured), so batches
 * stay at this size at most.
 */
const MAX_LIBRARY_BATCH_BYTES = 64 * 1024;

/**
 * The library writes a record's timestamp delta from its batch's first as 32 bits: a record this
 * far or farther from the first of its batch (a --json copy of old and new records) starts a
 * batch of its own.
 */
const MAX_TIMESTAMP_DELTA_MS = 2 ** 31 - 1;

/** Per record framing beyond key, value and headers (varints and attributes, at most). */
const RECORD_OVERHEAD_BYTES = 22;

export class KafkaProducer implements RecordProducer {
  readonly #cluster: KafkaCluster;
  readonly #options: RecordProducerOptions;
  readonly #open: MessageToProduce[][] = [];
  readonly #openBytes: number[] = [];
  readonly #firstRecord: number[] = [];
  /** Timestamp of each open batch's first record. */
  readonly #firstTimestamp: number[] = [];
  #recordsAppended = 0;
  /** Batches sent and not answered, plus batches waiting for their partition's turn. */
  #outstanding = 0;
  /** Partitions with a send in flight, and the batches waiting behind it. */
  readonly #waiting = new Map<number, Array<{ messages: MessageToProduce[]; firstRecord: number }>>();
  #sticky: number;
  #lingerTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  #windowWaiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];
  #failure: ProduceFailure | null = null;
  #acknowledged = 0;
  /** The last headers decoded, by identity: a run stamps the same encoded headers on every record. */
  #lastHeaders: { encoded: Buffer; decoded: Headers } | null = null;

  constructor(cluster: KafkaCluster, options: RecordProducerOptions) {
    this.#cluster = cluster;
    this.#options = options;
    this.#sticky = Math.floor(Math.random() * options.partitions);
  }

  get acknowledged(): number {
    return this.#acknowledged;
  }

  get failure(): ProduceFailure | null {
    return this.#failure;
  }

  get backlogged(): boolean {
    return this.#outstanding >= this.#options.maxInFlight;
  }

  partitionFor(key: Buffer | null): number {
    return key === null ? this.#sticky : partitionForKey(key, this.#options.partitions);
  }

  append(partition: number, timestamp: number, key: Buffer | null, value: Buffer | null, valueStart: number, valueEnd: number, headers: Buffer): void {
    const size = RECORD_OVERHEAD_BYTES + (key?.length ?? 0) + (value === null ? 0 : valueEnd - valueStart) + headers.length;
    const batchBytes = Math.min(this.#options.batchBytes, MAX_LIBRARY_BATCH_BYTES);
    if ((this.#open[partition]?.length ?? 0) > 0) {
      const full = (this.#openBytes[partition] ?? 0) + size > batchBytes;
      if (full || Math.abs(timestamp - this.#firstTimestamp[partition]!) >= MAX_TIMESTAMP_DELTA_MS) this.#send(partition);
    }
    let open = this.#open[partition];
    if (open === undefined || open.length === 0) {
      open = [];
      this.#open[partition] = open;
      this.#openBytes[partition] = 0;
      this.#firstRecord[partition] = this.#recordsAppended;
      this.#firstTimestamp[partition] = timestamp;
      this.#armLinger();
    }
    // Copies: the input buffer is reused for the next lines while the batch waits.
    const message: MessageToProduce = { topic: this.#options.topic, partition, timestamp: BigInt(timestamp), headers: this.#headers(headers) as Map<Buffer, Buffer> };
    // (A null header value is written as null, length -1, by the library's record writer.)
    if (key !== null) message.key = Buffer.from(key);
    if (value !== null) message.value = Buffer.from(value.subarray(valueStart, valueEnd));
    open.push(message);
    this.#openBytes[partition]! += size;
    this.#recordsAppended++;
  }

  whenWritable(): Promise<void> {
    if (!this.backlogged) return Promise.resolve();
    return new Promise((resolve) => this.#windowWaiters.push(resolve));
  }

  async flush(): Promise<void> {
    this.#sendAll();
    if (this.#outstanding > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    if (this.#failure !== null) throw this.#failure;
  }

  #armLinger(): void {
    if (this.#lingerTimer !== null) return;
    const fire = () => {
      this.#lingerTimer = null;
      this.#sendAll();
    };
    this.#lingerTimer = this.#options.lingerMs <= 0 ? setImmediate(fire) : setTimeout(fire, this.#options.lingerMs);
  }

  #sendAll(): void {
    if (this.#lingerTimer !== null) {
      clearTimeout(this.#lingerTimer as NodeJS.Timeout);
      clearImmediate(this.#lingerTimer as NodeJS.Immediate);
      this.#lingerTimer = null;
    }
    this.#open.forEach((messages, partition) => {
      if (messages.length > 0) this.#send(partition);
    });
  }

  #send(partition: number): void {
    const messages = this.#open[partition] ?? [];
    this.#open[partition] = [];
    this.#openBytes[partition] = 0;
    if (messages.length === 0 || this.#failure !== null) return;
    const firstRecord = this.#firstRecord[partition]!;
    if (partition === this.#sticky && this.#options.partitions > 1) this.#sticky = (this.#sticky + 1) % this.#options.partitions;
    this.#outstanding++;
    const waiting = this.#waiting.get(partition);
    if (waiting !== undefined) waiting.push({ messages, firstRecord });
    else {
      this.#waiting.set(partition, []);
      this.#transmit(partition, messages, firstRecord);
    }
  }

  #transmit(partition: number, messages: MessageToProduce[], firstRecord: number): void {
    if (this.#failure !== null) {
      this.#settle(partition);
      return;
    }
    const compression = COMPRESSION_NAMES[this.#options.compression];
    this.#cluster.producer.send({ messages, acks: -1, ...(compression === 'none' ? {} : { compression }) }).then(
      (result) => {
        const base = result.offsets?.find((o) => o.topic === this.#options.topic && o.partition === partition)?.offset;
        if (base === undefined) {
          this.#fail(new ProduceFailure(ErrorCode.UnknownServerError, 'the cluster sent no offset for the batch', firstRecord));
        } else {
          this.#acknowledged += messages.length;
          this.#options.onAck?.(partition, Number(base), messages.length);
        }
        this.#settle(partition);
      },
      (err: unknown) => {
        const error = fromKafkaError(err, this.#cluster.bootstrap);
        this.#fail(new ProduceFailure(error instanceof SpoolError ? error.code : ErrorCode.UnknownServerError, error.message, firstRecord));
        this.#settle(partition);
      },
    );
  }

  #fail(failure: ProduceFailure): void {
    if (this.#failure === null || failure.firstRecord < this.#failure.firstRecord) this.#failure = failure;
  }

  /** A send of `partition` was answered: its next waiting batch goes (or, after a failure, is dropped). */
  #settle(partition: number): void {
    this.#outstanding--;
    const next = this.#waiting.get(partition)?.shift();
    if (next !== undefined) this.#transmit(partition, next.messages, next.firstRecord);
    else this.#waiting.delete(partition);
    if (!this.backlogged) for (const resolve of this.#windowWaiters.splice(0)) resolve();
    if (this.#outstanding === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Headers encoded as in a record (count, then key and value of each) as the library wants them. */
  #headers(encoded: Buffer): Headers {
    if (this.#lastHeaders?.encoded === encoded) return this.#lastHeaders.decoded;
    const decoded = decodeHeaders(encoded);
    this.#lastHeaders = { encoded, decoded };
    return decoded;
  }
}

/** records/headers.ts's encoding read back (a Buffer key per header keeps repeated keys apart). */
export function decodeHeaders(encoded: Buffer): Headers {
  const headers: Headers = new Map();
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = encoded[pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  };
  const bytes = (): Buffer | null => {
    const length = varint();
    if (length < 0) return null;
    const out = Buffer.from(encoded.subarray(pos, pos + length));
    pos += length;
    return out;
  };
  for (let count = varint(); count > 0; count--) {
    const key = bytes() ?? Buffer.alloc(0);
    headers.set(key, bytes());
  }
  return headers;
}
