// RecordCursor walks the records of one batch without allocating per record: after next() the
// current record's fields are numbers and positions into `data`. Consumers format straight from
// those positions; key(), value() and headers() make objects only when asked.
import { CorruptBatchError } from '../common/errors.js';
import { readInt64 } from './int64.js';
import { decompressRecords } from './compression.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  COMPRESSION_MASK,
  CONTROL_MASK,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
  batchSizeAt,
} from './record-batch.js';
import type { ConsumerRecord, RecordHeader } from './record.js';

/** An int64 takes at most 10 bytes as a zigzag varint. */
const MAX_VARLONG_BYTES = 10;

export class RecordCursor {
  /** The bytes the positions below point into (the batch, or its decompressed records). */
  data: Buffer = Buffer.alloc(0);
  baseOffset = 0;
  baseTimestamp = 0;
  isControl = false;

  offset = 0;
  timestamp = 0;
  keyStart = 0;
  /** -1 for a null key. */
  keyLength = -1;
  valueStart = 0;
  /** -1 for a null value. */
  valueLength = -1;
  headerCount = 0;
  headersStart = 0;

  #pos = 0;
  #end = 0;
  #recordEnd = 0;
  #remaining = 0;

  /** Position the cursor before the first record of the `size`-byte batch at `pos` in `batch`. */
  open(batch: Buffer, pos: number, size: number): void {
    const attributes = batch.readInt16BE(pos + ATTRIBUTES_OFFSET);
    this.baseOffset = readInt64(batch, pos + BASE_OFFSET_OFFSET);
    this.baseTimestamp = readInt64(batch, pos + BASE_TIMESTAMP_OFFSET);
    this.isControl = (attributes & CONTROL_MASK) !== 0;
    this.#remaining = batch.readInt32BE(pos + RECORD_COUNT_OFFSET);
    const codec = attributes & COMPRESSION_MASK;
    if (codec === 0) {
      this.data = batch;
      this.#pos = pos + RECORDS_OFFSET;
      this.#end = pos + size;
    } else {
      this.data = decompressRecords(codec, batch.subarray(pos + RECORDS_OFFSET, pos + size));
      this.#pos = 0;
      this.#end = this.data.length;
    }
  }

  /** Advance to the next record; false after the last. */
  next(): boolean {
    if (this.#remaining === 0) return false;
    this.#remaining--;
    const length = this.#varint();
    const recordEnd = this.#pos + length;
    if (length < 0 || recordEnd > this.#end) throw new CorruptBatchError(`record at byte ${this.#pos} runs past the end of its batch`);
    this.#pos++; // attributes
    this.timestamp = this.baseTimestamp + this.#varlong();
    this.offset = this.baseOffset + this.#varint();
    this.keyLength = this.#varint();
    this.keyStart = this.#pos;
    if (this.keyLength > 0) this.#pos += this.keyLength;
    this.valueLength = this.#varint();
    this.valueStart = this.#pos;
    if (this.valueLength > 0) this.#pos += this.valueLength;
    this.headerCount = this.#varint();
    this.headersStart = this.#pos;
    if (this.#pos > recordEnd) throw new CorruptBatchError(`record at offset ${this.offset} is longer than its length field`);
    // Each header takes at least two bytes (two length varints), which bounds a corrupt count.
    if (this.headerCount < 0 || this.headerCount * 2 > recordEnd - this.#pos) {
      throw new CorruptBatchError(`record at offset ${this.offset} claims ${this.headerCount} headers in ${recordEnd - this.#pos} bytes`);
    }
    this.#recordEnd = recordEnd;
    this.#pos = recordEnd;
    return true;
  }

  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.data.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.data.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  headers(): RecordHeader[] {
    const headers: RecordHeader[] = [];
    const saved = this.#pos;
    const end = this.#recordEnd;
    this.#pos = this.headersStart;
    try {
      for (let i = 0; i < this.headerCount; i++) {
        // Header keys are never null in Kafka (DefaultRecord rejects a negative key size too).
        if (this.#pos >= end) throw this.#headerError(i);
        const keyLength = this.#varint();
        if (keyLength < 0 || keyLength > end - this.#pos) throw this.#headerError(i);
        const key = this.data.toString('utf8', this.#pos, this.#pos + keyLength);
        this.#pos += keyLength;
        if (this.#pos >= end) throw this.#headerError(i);
        const valueLength = this.#varint();
        if (valueLength > end - this.#pos) throw this.#headerError(i);
        const value = valueLength < 0 ? null : this.data.subarray(this.#pos, this.#pos + valueLength);
        if (valueLength > 0) this.#pos += valueLength;
        headers.push({ key, value });
      }
      if (this.#pos > end) throw this.#headerError(this.headerCount - 1);
    } finally {
      this.#pos = saved;
    }
    return headers;
  }

  #headerError(index: number): CorruptBatchError {
    return new CorruptBatchError(`header ${index} of the record at offset ${this.offset} runs past the end of its record`);
  }

  record(): ConsumerRecord {
    return { offset: this.offset, timestamp: this.timestamp, key: this.key(), value: this.value(), headers: this.headers() };
  }

  #varint(): number {
    const data = this.data;
    let byte = data[this.#pos++]!;
    let z = byte & 0x7f;
    let shift = 7;
    while (byte & 0x80) {
      if (shift > 28) throw new CorruptBatchError('varint longer than 5 bytes');
      byte = data[this.#pos++]!;
      z |= (byte & 0x7f) << shift;
      shift += 7;
    }
    if (this.#pos > this.#end) throw new CorruptBatchError('record runs past the end of its batch');
    return (z >>> 1) ^ -(z & 1);
  }

  #varlong(): number {
    const data = this.data;
    let byte = data[this.#pos]!;
    if ((byte & 0x80) === 0) {
      this.#pos++;
      return (byte >>> 1) ^ -(byte & 1);
    }
    // A safe integer's zigzag form needs up to 54 bits, and an odd double above 2^53 rounds (which
    // would flip the sign bit), so the sign comes from the first byte and the rest is summed halved.
    this.#pos++;
    const negative = (byte & 1) === 1;
    let magnitude = (byte & 0x7f) >>> 1;
    let scale = 64;
    for (let extra = 1; byte & 0x80; extra++) {
      if (extra >= MAX_VARLONG_BYTES) throw new CorruptBatchError(`varlong longer than ${MAX_VARLONG_BYTES} bytes`);
      byte = data[this.#pos++]!;
      magnitude += (byte & 0x7f) * scale;
      scale *= 128;
    }
    if (this.#pos > this.#end) throw new CorruptBatchError('record runs past the end of its batch');
    const value = negative ? -magnitude - 1 : magnitude;
    if (!Number.isSafeInteger(value)) throw new CorruptBatchError(`varlong at byte ${this.#pos} is outside the safe integer range`);
    return value;
  }
}

/** Every record of the batch at `pos` (its size taken from batchLength), as objects. */
export function decodeRecords(batch: Buffer, pos = 0, size = batchSizeAt(batch, pos)): ConsumerRecord[] {
  const cursor = new RecordCursor();
  cursor.open(batch, pos, size);
  const records: ConsumerRecord[] = [];
  while (cursor.next()) records.push(cursor.record());
  return records;
}
