// Producer: the client half of the hot path. Records are framed straight into one BatchBuilder
// per partition; a batch goes out when it is full (about 1 MiB) or its linger time is up, one
// Produce request per batch, with at most `maxInFlight` batches unacknowledged. Keyed records go
// to murmur2(key) % partitions as in Kafka; unkeyed ones stick to one partition per batch, then
// move on.
//
// Idempotent (with `producer`, from InitProducerId): every batch carries the producer id, epoch
// and its partition's next sequence, so the broker stores it once however often it is sent.
// Unacknowledged batches are kept (the in-flight window, nothing more); when the connection
// drops, `reconnect` brings a new one and they are all sent again, in order, with the same bytes:
// the broker answers those it had stored with their original offsets. After a failed batch no
// new batch is sent, and the broker refuses the partition's later ones, so what is stored of each
// partition is exactly the records acknowledged, a prefix of its input.
import type { ByteArena } from '../common/byte-arena.js';
import { BrokerError, BrokerUnavailableError } from '../common/errors.js';
import { ErrorCode } from '../common/error-codes.js';
import { ApiKey } from '../protocol/api-keys.js';
import { decodeProduceResponse, encodeProduceRequest } from '../protocol/messages/produce.js';
import { BatchBuilder, type BatchProducer } from '../records/batch-builder.js';
import { partitionForKey } from '../records/murmur2.js';
import { NO_SEQUENCE, incrementSequence } from '../records/producer-sequence.js';
import { Compression } from '../records/record-batch.js';
import type { Connection } from './connection.js';
import type { RecordProducer } from './target/target.js';

export interface ProducerOptions {
  topic: string;
  partitions: number;
  /** How long a batch may wait for more records; 0 sends at the end of the current turn. */
  lingerMs: number;
  batchBytes: number;
  maxInFlight: number;
  durable: boolean;
  compression?: Compression;
  /** Called for each acknowledged batch, in send order per partition. */
  onAck?: (partition: number, baseOffset: number, count: number) => void;
  /** Idempotence: the id and epoch from InitProducerId. Without it batches carry none. */
  producer?: BatchProducer;
  /**
   * A new connection after `lost` ended the current one; rejects when there will be none.
   * Used only with `producer` (resending without sequences could store a batch twice).
   */
  reconnect?: (lost: BrokerUnavailableError) => Promise<Connection>;
  /**
   * Memory for the batches (slots of at least batchBytes): values that lie in the same arena are
   * framed without a view object per copy. A batch's slot is taken back once it is acknowledged.
   */
  memory?: ByteArena;
}

/** A failed batch: which record (by send order, from 0) it began with, and why. */
export class ProduceFailure extends BrokerError {
  readonly firstRecord: number;

  constructor(code: ErrorCode, message: string, firstRecord: number) {
    super(code, message);
    this.firstRecord = firstRecord;
  }
}

/** A batch sent and not yet acknowledged. */
interface PendingBatch {
  partition: number;
  records: Buffer;
  count: number;
  firstRecord: number;
  /** The connection it was last sent on; null while it waits for a reconnection. */
  sentOn: Connection | null;
}

export class Producer implements RecordProducer {
  #connection: Connection;
  readonly #options: ProducerOptions;
  readonly #builders: BatchBuilder[] = [];
  /** Send order of each open batch's first record, per partition. */
  readonly #firstRecord: number[] = [];
  /** Sequence of the next batch, per partition (idempotent only). */
  readonly #nextSequence: number[] = [];
  /** Sent and not acknowledged, in send order: at most the in-flight window. */
  readonly #pending: PendingBatch[] = [];
  #recordsAppended = 0;
  #sticky: number;
  #lingerTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  /** The linger time ran out while the window was full: it starts again when the window opens. */
  #lingerDeferred = false;
  #reconnecting = false;
  #windowWaiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];
  #failure: ProduceFailure | null = null;
  #acknowledged = 0;

  constructor(connection: Connection, options: ProducerOptions) {
    this.#connection = connection;
    this.#options = options;
    this.#sticky = Math.floor(Math.random() * options.partitions);
  }

  /** Records acknowledged: with idempotence, exactly the records stored. */
  get acknowledged(): number {
    return this.#acknowledged;
  }

  /** The failed batch that began earliest in the input, if any. */
  get failure(): ProduceFailure | null {
    return this.#failure;
  }

  /** True when the caller should await whenWritable() before appending more. */
  get backlogged(): boolean {
    return this.#pending.length >= this.#options.maxInFlight;
  }

  partitionFor(key: Buffer | null): number {
    return key === null ? this.#sticky : partitionForKey(key, this.#options.partitions);
  }

  /** Frame one record into its partition's batch (sending the batch first if it is full). */
  append(
    partition: number,
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    valueStart: number,
    valueEnd: number,
    headers: Buffer,
  ): void {
    const builder = this.#builder(partition);
    if (!builder.append(timestamp, key, value, valueStart, valueEnd, headers)) {
      this.#send(partition);
      builder.append(timestamp, key, value, valueStart, valueEnd, headers);
    }
    if (builder.recordCount === 1) {
      this.#firstRecord[partition] = this.#recordsAppended;
      this.#armLinger();
    }
    this.#recordsAppended++;
  }

  /**
   * Frame the delimited values of buf[pos, end) into the partition's batch (BatchBuilder.appendValues)
   * up to the first one it leaves to append(), or until the batch is full and sent: then the
   * caller looks at the window and the partition again. Returns the position after the last value
   * framed; `pos` itself when the next value must go through append().
   */
  appendValues(
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
  ): number {
    const builder = this.#builder(partition);
    const before = builder.recordCount;
    const next = builder.appendValues(timestamp, key, headers, buf, pos, end, delimiter, nullEmpty, maxValueBytes);
    const framed = builder.recordCount - before;
    if (framed > 0 && before === 0) {
      this.#firstRecord[partition] = this.#recordsAppended;
      this.#armLinger();
    }
    this.#recordsAppended += framed;
    // Stopped short with records in the batch: it is full (or the next value is left to append(),
    // which would send it first anyway).
    if (next < end && builder.recordCount > 0) this.#send(partition);
    return next;
  }

  /** Records appended so far, in send order. */
  get appended(): number {
    return this.#recordsAppended;
  }

  whenWritable(): Promise<void> {
    if (!this.backlogged) return Promise.resolve();
    return new Promise((resolve) => this.#windowWaiters.push(resolve));
  }

  /**
   * Send every open batch and wait for all answers; throws the first failure. After a failure
   * the open batches are not sent: nothing after the failed batch is stored.
   */
  async flush(): Promise<void> {
    this.#sendAll();
    if (this.#pending.length > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    if (this.#failure !== null) throw this.#failure;
  }

  #builder(partition: number): BatchBuilder {
    let builder = this.#builders[partition];
    if (builder === undefined) {
      const options = this.#options;
      builder = new BatchBuilder(options.batchBytes, options.compression ?? Compression.None, options.producer, options.memory ?? null);
      this.#builders[partition] = builder;
    }
    return builder;
  }

  #armLinger(): void {
    if (this.#lingerTimer !== null) return;
    const fire = () => {
      this.#lingerTimer = null;
      // With the window full, a batch sent now would only queue behind the others, holding the
      // few records the caller appended before it waited for the window; the records after them
      // would need batches of their own. The batch keeps filling once the window opens instead.
      if (this.backlogged) this.#lingerDeferred = true;
      else this.#sendAll();
    };
    this.#lingerTimer = this.#options.lingerMs <= 0 ? setImmediate(fire) : setTimeout(fire, this.#options.lingerMs);
  }

  #sendAll(): void {
    if (this.#lingerTimer !== null) {
      clearTimeout(this.#lingerTimer as NodeJS.Timeout);
      clearImmediate(this.#lingerTimer as NodeJS.Immediate);
      this.#lingerTimer = null;
    }
    this.#builders.forEach((builder, partition) => {
      if (builder.recordCount > 0) this.#send(partition);
    });
  }

  #send(partition: number): void {
    const builder = this.#builders[partition]!;
    const count = builder.recordCount;
    const firstRecord = this.#firstRecord[partition]!;
    const idempotent = this.#options.producer !== undefined;
    const baseSequence = idempotent ? (this.#nextSequence[partition] ?? 0) : NO_SEQUENCE;
    const records = builder.build(baseSequence);
    if (records === null) return;
    if (this.#failure !== null) {
      builder.release(records);
      return;
    }
    if (idempotent) this.#nextSequence[partition] = incrementSequence(baseSequence, count);
    if (partition === this.#sticky && this.#options.partitions > 1) this.#sticky = (this.#sticky + 1) % this.#options.partitions;
    const batch: PendingBatch = { partition, records, count, firstRecord, sentOn: null };
    this.#pending.push(batch);
    if (!this.#reconnecting) this.#transmit(batch);
  }

  #transmit(batch: PendingBatch): void {
    const connection = this.#connection;
    batch.sentOn = connection;
    const { partition, records } = batch;
    const body = encodeProduceRequest({ topic: this.#options.topic, durable: this.#options.durable, partitions: [{ partition, records }] });
    connection.request(ApiKey.Produce, body).then(
      (response) => {
        const result = decodeProduceResponse(response)[0];
        if (result === undefined || result.errorCode !== ErrorCode.None) {
          const code = (result?.errorCode ?? ErrorCode.UnknownServerError) as ErrorCode;
          this.#fail(new ProduceFailure(code, result?.errorMessage ?? 'the broker sent no result', batch.firstRecord));
        } else {
          this.#acknowledged += batch.count;
          this.#options.onAck?.(partition, result.baseOffset, batch.count);
        }
        this.#settle(batch);
      },
      (err: Error) => {
        if (batch.sentOn !== connection) return; // already sent again on a newer connection
        if (err instanceof BrokerUnavailableError && this.#canResend()) {
          batch.sentOn = null;
          this.#reconnect(err);
          return;
        }
        const code = err instanceof BrokerError ? err.code : ErrorCode.UnknownServerError;
        this.#fail(new ProduceFailure(code, err.message, batch.firstRecord));
        this.#settle(batch);
      },
    );
  }

  #canResend(): boolean {
    return this.#options.producer !== undefined && this.#options.reconnect !== undefined && this.#failure === null;
  }

  /** Get a new connection and send every pending batch again, in order; or fail them all. */
  #reconnect(lost: BrokerUnavailableError): void {
    if (this.#reconnecting) return;
    this.#reconnecting = true;
    this.#options.reconnect!(lost).then(
      (connection) => {
        this.#reconnecting = false;
        this.#connection = connection;
        for (const batch of this.#pending) if (batch.sentOn === null || batch.sentOn.closed) this.#transmit(batch);
      },
      (err: unknown) => {
        this.#reconnecting = false;
        const message = err instanceof Error ? err.message : String(err);
        for (const batch of [...this.#pending]) {
          this.#fail(new ProduceFailure(ErrorCode.UnknownServerError, message, batch.firstRecord));
          this.#settle(batch);
        }
      },
    );
  }

  #fail(failure: ProduceFailure): void {
    if (this.#failure === null || failure.firstRecord < this.#failure.firstRecord) this.#failure = failure;
  }

  #settle(batch: PendingBatch): void {
    const at = this.#pending.indexOf(batch);
    if (at >= 0) {
      this.#pending.splice(at, 1);
      this.#builders[batch.partition]!.release(batch.records);
    }
    if (!this.backlogged) {
      if (this.#lingerDeferred) {
        this.#lingerDeferred = false;
        this.#armLinger();
      }
      for (const resolve of this.#windowWaiters.splice(0)) resolve();
    }
    if (this.#pending.length === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
