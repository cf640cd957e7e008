// Producer: the client half of the hot path. Records are framed straight into one BatchBuilder
// per partition; a batch goes out when it is full (about 1 MiB) or its linger time is up, one
// Produce request per batch, with at most `maxInFlight` requests unanswered. Keyed records go to
// murmur2(key) % partitions as in Kafka; unkeyed ones stick to one partition per batch, then move on.
import { BrokerError } from '../common/errors.js';
import { ErrorCode } from '../common/error-codes.js';
import { ApiKey } from '../protocol/api-keys.js';
import { decodeProduceResponse, encodeProduceRequest } from '../protocol/messages/produce.js';
import { BatchBuilder } from '../records/batch-builder.js';
import { partitionForKey } from '../records/murmur2.js';
import { Compression } from '../records/record-batch.js';
import type { Connection } from './connection.js';

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
}

/** A failed batch: which record (by send sequence) it began with, and why. */
export class ProduceFailure extends BrokerError {
  readonly firstSequence: number;

  constructor(code: ErrorCode, message: string, firstSequence: number) {
    super(code, message);
    this.firstSequence = firstSequence;
  }
}

export class Producer {
  readonly #connection: Connection;
  readonly #options: ProducerOptions;
  readonly #builders: BatchBuilder[] = [];
  /** Send sequence of each open batch's first record, per partition. */
  readonly #firstSequence: number[] = [];
  #sequence = 0;
  #sticky: number;
  #lingerTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  #inFlight = 0;
  #windowWaiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];
  #failure: ProduceFailure | null = null;
  #acknowledged = 0;
  /** What was acknowledged when the first failure arrived: the batches before the failed one. */
  #acknowledgedBeforeFailure: number | null = null;

  constructor(connection: Connection, options: ProducerOptions) {
    this.#connection = connection;
    this.#options = options;
    this.#sticky = Math.floor(Math.random() * options.partitions);
  }

  get acknowledged(): number {
    return this.#acknowledged;
  }

  get failure(): ProduceFailure | null {
    return this.#failure;
  }

  /**
   * Records acknowledged before the failed batch. Answers come back in send order (the broker
   * handles a connection's requests one after another), so that is what had been acknowledged
   * when the failure arrived; batches sent after it may still have been stored.
   */
  get acknowledgedBeforeFailure(): number {
    return this.#acknowledgedBeforeFailure ?? this.#acknowledged;
  }

  /** True when the caller should await whenWritable() before appending more. */
  get backlogged(): boolean {
    return this.#inFlight >= this.#options.maxInFlight;
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
    let builder = this.#builders[partition];
    if (builder === undefined) {
      builder = new BatchBuilder(this.#options.batchBytes, this.#options.compression ?? Compression.None);
      this.#builders[partition] = builder;
    }
    if (!builder.append(timestamp, key, value, valueStart, valueEnd, headers)) {
      this.#send(partition);
      builder.append(timestamp, key, value, valueStart, valueEnd, headers);
    }
    if (builder.recordCount === 1) {
      this.#firstSequence[partition] = this.#sequence;
      this.#armLinger();
    }
    this.#sequence++;
  }

  whenWritable(): Promise<void> {
    if (!this.backlogged) return Promise.resolve();
    return new Promise((resolve) => this.#windowWaiters.push(resolve));
  }

  /** Send every open batch and wait for all answers; throws the first failure. */
  async flush(): Promise<void> {
    this.#sendAll();
    if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
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
    this.#builders.forEach((builder, partition) => {
      if (builder.recordCount > 0) this.#send(partition);
    });
  }

  #send(partition: number): void {
    const batch = this.#builders[partition]!;
    const count = batch.recordCount;
    const firstSequence = this.#firstSequence[partition]!;
    const records = batch.build();
    if (records === null) return;
    if (partition === this.#sticky && this.#options.partitions > 1) this.#sticky = (this.#sticky + 1) % this.#options.partitions;
    this.#inFlight++;
    const body = encodeProduceRequest({ topic: this.#options.topic, durable: this.#options.durable, partitions: [{ partition, records }] });
    this.#connection.request(ApiKey.Produce, body).then(
      (response) => {
        const result = decodeProduceResponse(response)[0];
        if (result === undefined || result.errorCode !== ErrorCode.None) {
          const code = (result?.errorCode ?? ErrorCode.UnknownServerError) as ErrorCode;
          this.#fail(new ProduceFailure(code, result?.errorMessage ?? 'the broker sent no result', firstSequence));
        } else {
          this.#acknowledged += count;
          this.#options.onAck?.(partition, result.baseOffset, count);
        }
        this.#settle();
      },
      (err: Error) => {
        const code = err instanceof BrokerError ? err.code : ErrorCode.UnknownServerError;
        this.#fail(new ProduceFailure(code, err.message, firstSequence));
        this.#settle();
      },
    );
  }

  #fail(failure: ProduceFailure): void {
    this.#acknowledgedBeforeFailure ??= this.#acknowledged;
    if (this.#failure === null || failure.firstSequence < this.#failure.firstSequence) this.#failure = failure;
  }

  #settle(): void {
    this.#inFlight--;
    if (!this.backlogged) for (const resolve of this.#windowWaiters.splice(0)) resolve();
    if (this.#inFlight === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
