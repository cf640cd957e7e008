// BatchBuilder: the producer's hot path. Records are varint-framed straight into one reusable
// buffer (no per-record objects); build() writes the batch header, compresses if asked, seals the
// CRC and hands back the finished RecordBatch v2 bytes with baseOffset 0 for the broker to stamp.
// An idempotent producer's id and epoch, and the batch's base sequence, go into the header before
// the CRC is sealed (the CRC covers them).
//
// With a ByteArena the batch buffers are the arena's slots, and a value that lies in the same
// arena (the producer reads its input into it) is copied with one copyWithin, which allocates
// nothing; a full batch handed out by build() keeps its slot until release().
import type { ByteArena } from '../common/byte-arena.js';
import { compressRecords } from './compression.js';
import {
  BATCH_HEADER_SIZE,
  COMPRESSION_NAMES,
  Compression,
  RECORDS_OFFSET,
  sealBatch,
  writeBatchHeader,
} from './record-batch.js';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from './producer-sequence.js';
import { varintSize, varlongSize, writeVarint, writeVarlong } from './varint.js';

const NO_PARTITION_LEADER_EPOCH = -1;

/** The idempotent producer a builder writes batches for. */
export interface BatchProducer {
  producerId: number;
  producerEpoch: number;
}

const NO_PRODUCER: BatchProducer = { producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH };

/** Bytes one record takes in a batch (length prefix included). */
export function encodedRecordSize(
  timestampDelta: number,
  offsetDelta: number,
  keyLength: number,
  valueLength: number,
  headersSize: number,
): number {
  const body =
    1 +
    varlongSize(timestampDelta) +
    varintSize(offsetDelta) +
    varintSize(keyLength) +
    (keyLength > 0 ? keyLength : 0) +
    varintSize(valueLength) +
    (valueLength > 0 ? valueLength : 0) +
    headersSize;
  return varintSize(body) + body;
}

/** Keys up to this long are copied byte by byte: cheaper than a call that makes a view. */
const SHORT_KEY_BYTES = 32;
/**
 * Called directly rather than looked up on the view at every record: optimised code left that
 * lookup to an inline cache call per record.
 */
const copyWithin = Uint8Array.prototype.copyWithin;
/**
 * How many of the process's first appendValues calls frame one value each. V8 gives a function
 * feedback (the types each operation saw) only after a few calls, so a first call that frames a
 * whole input chunk is optimised in the middle of its loop knowing nothing of the code around
 * the loop; that optimised code was thrown away as each such operation was reached, and the
 * framing loop compiled five times (67 ms of a million-line produce's CPU, against 18 ms once).
 * A few short calls first give every operation its feedback.
 */
const FRAMING_WARM_UPS = 16;
let framingWarmUps = FRAMING_WARM_UPS;

export class BatchBuilder {
  readonly #capacity: number;
  readonly #compression: Compression;
  readonly #producer: BatchProducer;
  readonly #memory: ByteArena | null;
  #buf: Buffer;
  /** Where #buf begins in the arena; -1 when it is memory of its own. */
  #bufAt: number;
  #pos = RECORDS_OFFSET;
  #count = 0;
  #baseTimestamp = 0;
  #maxTimestamp = 0;
  /** The last value buffer seen and where it begins in the arena (-1: elsewhere). */
  #lastValue: Buffer | null = null;
  #lastValueAt = -1;

  constructor(
    capacityBytes: number,
    compression: Compression = Compression.None,
    producer: BatchProducer = NO_PRODUCER,
    memory: ByteArena | null = null,
  ) {
    // The codec goes into the attributes as given: one that does not exist must not get there.
    if (COMPRESSION_NAMES[compression] === undefined) throw new RangeError(`compression codec ${compression} does not exist`);
    this.#capacity = Math.max(capacityBytes, BATCH_HEADER_SIZE + 16);
    this.#compression = compression;
    this.#producer = producer;
    this.#memory = memory !== null && memory.slotBytes >= this.#capacity ? memory : null;
    this.#buf = this.#newBuffer();
    this.#bufAt = this.#memory?.offsetOf(this.#buf) ?? -1;
  }

  get recordCount(): number {
    return this.#count;
  }

  get sizeBytes(): number {
    return this.#pos;
  }

  /**
   * Append one record; false (and nothing written) when it would overflow a non-empty batch.
   * A record larger than the capacity still goes into an empty batch on its own: whether it is
   * too large is the caller's decision (max.message.bytes), not the builder's.
   */
  append(
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    valueStart: number,
    valueEnd: number,
    headers: Buffer,
  ): boolean {
    if (this.#count === 0) {
      this.#baseTimestamp = timestamp;
      this.#maxTimestamp = timestamp;
    }
    const timestampDelta = timestamp - this.#baseTimestamp;
    const keyLength = key === null ? -1 : key.length;
    const valueLength = value === null ? -1 : valueEnd - valueStart;
    const body =
      1 +
      varlongSize(timestampDelta) +
      varintSize(this.#count) +
      varintSize(keyLength) +
      (keyLength > 0 ? keyLength : 0) +
      varintSize(valueLength) +
      (valueLength > 0 ? valueLength : 0) +
      headers.length;
    const size = varintSize(body) + body;
    if (this.#pos + size > this.#buf.length) {
      if (this.#count > 0) return false;
      this.#memory?.give(this.#buf);
      this.#buf = Buffer.allocUnsafe(RECORDS_OFFSET + size);
      this.#bufAt = -1;
    }
    const buf = this.#buf;
    let pos = writeVarint(buf, this.#pos, body);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, this.#count);
    pos = writeVarint(buf, pos, keyLength);
    if (keyLength > SHORT_KEY_BYTES) pos += key!.copy(buf, pos);
    else for (let i = 0; i < keyLength; i++) buf[pos++] = key![i]!;
    pos = writeVarint(buf, pos, valueLength);
    if (valueLength > 0) {
      if (value !== this.#lastValue) {
        this.#lastValue = value;
        this.#lastValueAt = this.#memory?.offsetOf(value!) ?? -1;
      }
      if (this.#lastValueAt >= 0 && this.#bufAt >= 0) {
        const from = this.#lastValueAt + valueStart;
        copyWithin.call(this.#memory!.view, this.#bufAt + pos, from, from + valueLength);
        pos += valueLength;
      } else {
        pos += value!.copy(buf, pos, valueStart, valueEnd);
      }
    }
    if (headers.length === 1) buf[pos++] = headers[0]!;
    else pos += headers.copy(buf, pos);
    this.#pos = pos;
    this.#count++;
    if (timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
    return true;
  }

  /**
   * Frame a run of values cut at `delimiter` out of buf[pos, end), all with the same timestamp, key
   * and headers: one call per run instead of one per record, which halves the cost of a line of
   * 100 bytes. Returns the position after the last delimiter framed; it stops before a value it
   * leaves to append(): one with no delimiter before `end`, one longer than `maxValueBytes`, or one
   * this batch has no room for (then nothing was framed only if the batch is empty and the value
   * needs a buffer of its own). With `nullEmpty` an empty value is a null one.
   */
  appendValues(
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
    if (this.#count === 0) {
      this.#baseTimestamp = timestamp;
      this.#maxTimestamp = timestamp;
    }
    const before = this.#count;
    // The first calls of the process frame one value each (see FRAMING_WARM_UPS).
    while (framingWarmUps > 0) {
      const stop = buf.indexOf(delimiter, pos);
      if (stop < 0 || stop >= end) break;
      framingWarmUps--;
      const next = this.#frameValues(timestamp, key, headers, buf, pos, stop + 1, delimiter, nullEmpty, maxValueBytes);
      if (next !== stop + 1) return this.#framed(before, timestamp, next);
      pos = next;
    }
    return this.#framed(before, timestamp, this.#frameValues(timestamp, key, headers, buf, pos, end, delimiter, nullEmpty, maxValueBytes));
  }

  #framed(before: number, timestamp: number, next: number): number {
    if (this.#count > before && timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
    return next;
  }

  /**
   * appendValues' loop. Everything it reads and writes outside the loop runs on every call, so
   * the code V8 optimises in the middle of the first long loop has the feedback of all of it.
   */
  #frameValues(
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
    const timestampDelta = timestamp - this.#baseTimestamp;
    const keyLength = key === null ? -1 : key.length;
    // Bytes of every record but its length, offsetDelta, valueLength and value.
    const fixed = 1 + varlongSize(timestampDelta) + varintSize(keyLength) + (keyLength > 0 ? keyLength : 0) + headers.length;
    // writeVarlong is too large to be inlined into the loop; a delta in int32 range is a varint.
    const int32Delta = timestampDelta >= -0x40000000 && timestampDelta < 0x40000000;
    const memory = this.#memory;
    const valueAt = memory === null || this.#bufAt < 0 ? -1 : memory.offsetOf(buf);
    const view = memory?.view;
    const out = this.#buf;
    const limit = out.length;
    let count = this.#count;
    let at = this.#pos;
    while (pos < end) {
      const stop = buf.indexOf(delimiter, pos);
      if (stop < 0 || stop >= end) break;
      const length = stop - pos;
      if (length > maxValueBytes) break;
      const valueLength = length === 0 && nullEmpty ? -1 : length;
      const body = fixed + varintSize(count) + varintSize(valueLength) + length;
      if (at + varintSize(body) + body > limit) break;
      at = writeVarint(out, at, body);
      out[at++] = 0;
      at = int32Delta ? writeVarint(out, at, timestampDelta) : writeVarlong(out, at, timestampDelta);
      at = writeVarint(out, at, count);
      at = writeVarint(out, at, keyLength);
      if (keyLength > SHORT_KEY_BYTES) at += key!.copy(out, at);
      else for (let i = 0; i < keyLength; i++) out[at++] = key![i]!;
      at = writeVarint(out, at, valueLength);
      if (valueAt >= 0) copyWithin.call(view!, this.#bufAt + at, valueAt + pos, valueAt + stop);
      else buf.copy(out, at, pos, stop);
      at += length;
      if (headers.length === 1) out[at++] = headers[0]!;
      else at += headers.copy(out, at);
      count++;
      pos = stop + 1;
    }
    this.#count = count;
    this.#pos = at;
    return pos;
  }

  /**
   * The finished batch; the builder is empty afterwards. Null when nothing was appended.
   * `baseSequence`: the sequence of its first record, for an idempotent producer (-1 otherwise).
   */
  build(baseSequence = NO_SEQUENCE): Buffer | null {
    if (this.#count === 0) return null;
    const header = {
      baseOffset: 0,
      partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
      attributes: this.#compression,
      lastOffsetDelta: this.#count - 1,
      baseTimestamp: this.#baseTimestamp,
      maxTimestamp: this.#maxTimestamp,
      producerId: this.#producer.producerId,
      producerEpoch: this.#producer.producerEpoch,
      baseSequence,
      recordCount: this.#count,
    };
    let batch: Buffer;
    if (this.#compression !== Compression.None) {
      const compressed = compressRecords(this.#compression, this.#buf.subarray(RECORDS_OFFSET, this.#pos));
      batch = Buffer.allocUnsafe(RECORDS_OFFSET + compressed.length);
      compressed.copy(batch, RECORDS_OFFSET);
    } else if (this.#pos < this.#capacity >> 2) {
      // Small batches are copied out so the big buffer is reused instead of pinned in flight.
      batch = Buffer.allocUnsafe(this.#pos);
      this.#buf.copy(batch, 0, 0, this.#pos);
    } else {
      batch = this.#buf.subarray(0, this.#pos);
      this.#buf = this.#newBuffer();
    }
    if (this.#buf.length !== this.#capacity) this.#buf = this.#newBuffer();
    this.#bufAt = this.#memory?.offsetOf(this.#buf) ?? -1;
    writeBatchHeader(batch, 0, header);
    sealBatch(batch, 0, batch.length);
    this.#pos = RECORDS_OFFSET;
    this.#count = 0;
    return batch;
  }

  /**
   * A batch from build() is done with (acknowledged, or given up): its memory goes back to the
   * arena for a later batch. Batches of memory of their own are left to the collector.
   */
  release(batch: Buffer): void {
    this.#memory?.give(batch);
  }

  #newBuffer(): Buffer {
    return this.#memory?.take()?.subarray(0, this.#capacity) ?? Buffer.allocUnsafe(this.#capacity);
  }
}
