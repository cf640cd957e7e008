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
} from './record-batch.js';
import type { ConsumerRecord, RecordHeader } from './record.js';

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
    this.#pos = this.headersStart;
    for (let i = 0; i < this.headerCount; i++) {
      const keyLength = this.#varint();
      const key = this.data.toString('utf8', this.#pos, this.#pos + keyLength);
      this.#pos += keyLength;
      const valueLength = this.#varint();
      const value = valueLength < 0 ? null : this.data.subarray(this.#pos, this.#pos + valueLength);
      if (valueLength > 0) this.#pos += valueLength;
      headers.push({ key, value });
    }
    this.#pos = saved;
    return headers;
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
    let z = 0;
    let scale = 1;
    do {
      byte = data[this.#pos++]!;
      z += (byte & 0x7f) * scale;
      scale *= 128;
      if (scale > 2 ** 63) throw new CorruptBatchError('varlong longer than 9 bytes');
    } while (byte & 0x80);
    if (this.#pos > this.#end) throw new CorruptBatchError('record runs past the end of its batch');
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}

/** Every record of the batch at `pos` (its size taken from batchLength), as objects. */
export function decodeRecords(batch: Buffer, pos = 0, size = batch.length - pos): ConsumerRecord[] {
  const cursor = new RecordCursor();
  cursor.open(batch, pos, size);
  const records: ConsumerRecord[] = [];
  while (cursor.next()) records.push(cursor.record());
  return records;
}
