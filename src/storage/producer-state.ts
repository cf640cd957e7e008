// ProducerStateTable: what one partition knows of its idempotent producers, as Kafka's
// ProducerStateManager keeps it: per producer id, its epoch, the sequence its next batch must
// start with, and the metadata of its last five stored batches (so that a retry of any batch
// still in flight, at most five, is recognised and answered with the offsets it got the first
// time). No I/O: it is rebuilt from batch headers on disk (producer-state-loader.ts).
//
// The rules for a batch with producerId >= 0, in Kafka's order (ProducerAppendInfo):
//   same epoch, (firstSeq, lastSeq) of one of the five cached batches -> duplicate: not stored
//     again, acknowledged with the original offsets;
//   epoch below the known one -> INVALID_PRODUCER_EPOCH;
//   a new epoch -> must start at sequence 0, else OUT_OF_ORDER_SEQUENCE_NUMBER;
//   same epoch -> firstSeq must be the expected next sequence (lastSeq + 1, wrapping at 2^31-1),
//     else OUT_OF_ORDER_SEQUENCE_NUMBER;
//   a producer the table does not know (new, or its state expired) -> accepted, as Kafka does.
// One rule beyond Kafka's: when a batch that passed these checks is then not stored (too large,
// corrupt, a failed write), the producer's expected next sequence becomes that batch's firstSeq,
// even for a producer not known before; every later batch of it is refused as out of order until
// the failed one is sent again, so a log never holds a producer's batches out of input order.
//
// Memory is bounded: a producer is forgotten when its last batch is older than the expiration
// (Kafka's producer.id.expiration.ms, one day), measured on the broker's clock (the records'
// own timestamps may be old: `produce --json` keeps them), and beyond MAX_PRODUCERS per
// partition the least recently active producer goes first. Checks and updates are O(1).
import { ErrorCode } from '../common/error-codes.js';
import { incrementSequence, type BatchProducerFields } from '../records/producer-sequence.js';

/** Kafka's producer.id.expiration.ms default. */
export const PRODUCER_EXPIRATION_MS = 24 * 60 * 60 * 1000;
/** Batches remembered per producer: Kafka's limit on in-flight requests of an idempotent producer. */
export const CACHED_BATCHES = 5;
/** Producers remembered per partition; past it the least recently active is forgotten. */
export const MAX_PRODUCERS = 5000;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export interface ProducerEntry {
  readonly producerId: number;
  epoch: number;
  /** The sequence the next batch of this epoch must start with. */
  nextSeq: number;
  /** The last stored batches of this epoch, oldest first, at most CACHED_BATCHES. */
  batches: BatchMetadata[];
  /** Broker wall-clock time of its last batch (stored or failed), for expiration. */
  lastAppendMs: number;
}

export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; batch: BatchMetadata }
  | { kind: 'refused'; code: ErrorCode; message: string };

const APPEND: SequenceVerdict = { kind: 'append' };

export interface ProducerStateLimits {
  expirationMs: number;
  maxProducers: number;
}

export class ProducerStateTable {
  /** Insertion order is activity order: an entry is moved to the end on every batch. */
  readonly #entries = new Map<number, ProducerEntry>();
  /**
   * The entry at the end. A producer that is already there is not moved: deleting and re-adding
   * a key gives a long-lived Map a new hash table every few batches, allocated in V8's old
   * generation, and with one busy producer that was every batch of the stream.
   */
  #newest: ProducerEntry | undefined;
  readonly #limits: ProducerStateLimits;

  constructor(limits: Partial<ProducerStateLimits> = {}) {
    this.#limits = { expirationMs: limits.expirationMs ?? PRODUCER_EXPIRATION_MS, maxProducers: limits.maxProducers ?? MAX_PRODUCERS };
  }

  get size(): number {
    return this.#entries.size;
  }

  entry(producerId: number): Readonly<ProducerEntry> | undefined {
    return this.#entries.get(producerId);
  }

  /** Every entry, least recently active first (the snapshot's order). */
  entries(): IterableIterator<Readonly<ProducerEntry>> {
    return this.#entries.values();
  }

  /** What to do with an idempotent batch (producerId >= 0); changes nothing. */
  check(batch: BatchProducerFields): SequenceVerdict {
    const entry = this.#entries.get(batch.producerId);
    if (entry === undefined) return APPEND;
    if (batch.producerEpoch === entry.epoch) {
      for (const cached of entry.batches) {
        if (cached.firstSeq === batch.firstSeq && cached.lastSeq === batch.lastSeq) return { kind: 'duplicate', batch: cached };
      }
    }
    const who = `producer ${batch.producerId}`;
    if (batch.producerEpoch < entry.epoch) {
      return refused(ErrorCode.InvalidProducerEpoch, `${who} sent epoch ${batch.producerEpoch}, older than its current epoch ${entry.epoch}`);
    }
    if (batch.producerEpoch > entry.epoch) {
      if (batch.firstSeq === 0) return APPEND;
      return refused(
        ErrorCode.OutOfOrderSequenceNumber,
        `${who} began its new epoch ${batch.producerEpoch} at sequence ${batch.firstSeq}, not 0`,
      );
    }
    if (batch.firstSeq !== entry.nextSeq) {
      return refused(
        ErrorCode.OutOfOrderSequenceNumber,
        `${who} sent sequence ${batch.firstSeq}, expected ${entry.nextSeq} (epoch ${entry.epoch})`,
      );
    }
    return APPEND;
  }

  /** The batch was stored at firstOffset..lastOffset. */
  recordAppend(batch: BatchProducerFields, firstOffset: number, lastOffset: number, maxTimestamp: number, nowMs: number): void {
    const entry = this.#touch(batch, nowMs);
    entry.batches.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, firstOffset, lastOffset, maxTimestamp });
    if (entry.batches.length > CACHED_BATCHES) entry.batches.shift();
    entry.nextSeq = incrementSequence(batch.lastSeq, 1);
  }

  /** The batch passed check() and was then not stored: its producer must send it again next. */
  recordFailure(batch: BatchProducerFields, nowMs: number): void {
    this.#touch(batch, nowMs).nextSeq = batch.firstSeq;
  }

  /** Put back an entry read from a snapshot (oldest first). */
  restore(entry: ProducerEntry): void {
    this.#entries.delete(entry.producerId);
    this.#newest = { ...entry, batches: entry.batches.slice(-CACHED_BATCHES) };
    this.#entries.set(entry.producerId, this.#newest);
  }

  /** Forget producers whose last batch is older than the expiration, and any past the cap. */
  evict(nowMs: number): void {
    const oldestKept = nowMs - this.#limits.expirationMs;
    for (const entry of this.#entries.values()) {
      if (entry.lastAppendMs > oldestKept && this.#entries.size <= this.#limits.maxProducers) break;
      this.#entries.delete(entry.producerId);
      if (entry === this.#newest) this.#newest = undefined;
    }
  }

  /** The producer's entry, moved to the most recent end, switched to the batch's epoch. */
  #touch(batch: BatchProducerFields, nowMs: number): ProducerEntry {
    let entry = this.#entries.get(batch.producerId);
    if (entry === undefined) {
      entry = { producerId: batch.producerId, epoch: batch.producerEpoch, nextSeq: batch.firstSeq, batches: [], lastAppendMs: nowMs };
    } else {
      if (entry !== this.#newest) this.#entries.delete(batch.producerId);
      if (entry.epoch !== batch.producerEpoch) {
        entry.epoch = batch.producerEpoch;
        entry.batches = [];
      }
      entry.lastAppendMs = Math.max(entry.lastAppendMs, nowMs);
    }
    if (entry !== this.#newest) this.#entries.set(batch.producerId, entry);
    this.#newest = entry;
    this.evict(nowMs);
    return entry;
  }
}

function refused(code: ErrorCode, message: string): SequenceVerdict {
  return { kind: 'refused', code, message };
}
