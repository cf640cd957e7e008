// The `value` format without an output buffer: each record's value is moved down inside the
// fetched bytes (copyWithin, several times cheaper than a copy into another buffer from
// JavaScript) and followed by a newline, so the output ends up at the front of `records`, ready to
// write. Safe because the write position never passes the read position: a value and its newline
// take fewer bytes than the record they come from, and every byte moved over was already read.
//
// One pass over uncompressed batches with the record fields read in place (no cursor, nothing
// allocated): per record a few varints and one copyWithin. Filters need the cursor and take the
// general path in record-writer.ts.
import { CorruptBatchError } from '../../common/errors.js';
import { readInt64 } from '../../records/int64.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  CONTROL_MASK,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
  batchSizeAt,
  readBaseOffset,
  readLastOffsetDelta,
} from '../../records/record-batch.js';

const NEWLINE = 0x0a;
/** An int64 takes at most 10 bytes as a zigzag varint. */
const MAX_VARLONG_BYTES = 10;

export interface PackLimits {
  /** Records below it are skipped (the first batch of a fetch may start earlier). */
  fetchOffset: number;
  /** Stop before this offset; Infinity for none. */
  stopOffset: number;
  /** Stop at the first record with a timestamp at or after this; null for none. */
  untilTimestamp: number | null;
  /** Stop after packing this many records; Infinity for no limit. */
  maxRecords: number;
}

export interface PackResult {
  /** Output bytes, now at records[0, bytes). */
  bytes: number;
  /** Records packed (each one value and a newline). */
  records: number;
  /** Offset after the last record consumed. */
  nextOffset: number;
  /** The stop offset or the --until record reached; null when neither was. */
  stoppedAt: number | null;
}

// Position after the last varint read by readVarint/skipVarlong: a second return value without
// an allocation.
let varintEnd = 0;

/** Pack the values of the whole uncompressed batches in `records` (see the file comment). */
export function packValues(records: Buffer, limits: PackLimits): PackResult {
  const { fetchOffset, stopOffset, untilTimestamp, maxRecords } = limits;
  const data = records;
  let w = 0;
  let packed = 0;
  let nextOffset = fetchOffset;
  let pos = 0;
  while (pos < data.length) {
    const batchStart = pos;
    const batchEnd = batchStart + batchSizeAt(data, batchStart);
    // The header is read before any value is moved: packed bytes may be written over it.
    const baseOffset = readBaseOffset(data, batchStart);
    const lastOffset = baseOffset + readLastOffsetDelta(data, batchStart);
    pos = batchEnd;
    if (lastOffset < fetchOffset) continue;
    const isControl = (data.readInt16BE(batchStart + ATTRIBUTES_OFFSET) & CONTROL_MASK) !== 0;
    const baseTimestamp = untilTimestamp === null ? 0 : readInt64(data, batchStart + BASE_TIMESTAMP_OFFSET);
    let remaining = data.readInt32BE(batchStart + RECORD_COUNT_OFFSET);
    let p = batchStart + RECORDS_OFFSET;
    while (remaining-- > 0) {
      let b = data[p++]!;
      const length = b < 0x80 ? (b >>> 1) ^ -(b & 1) : readVarint(data, p - 1);
      if (b >= 0x80) p = varintEnd;
      const recordEnd = p + length;
      if (length < 0 || recordEnd > batchEnd) throw new CorruptBatchError(`record at byte ${p} runs past the end of its batch`);
      p++; // attributes
      let timestamp = 0;
      if (untilTimestamp !== null) {
        timestamp = baseTimestamp + readVarlong(data, p, recordEnd);
        p = varintEnd;
      } else {
        while (p < recordEnd && data[p++]! & 0x80);
      }
      b = data[p++]!;
      const offset = baseOffset + (b < 0x80 ? (b >>> 1) ^ -(b & 1) : readVarint(data, p - 1));
      if (b >= 0x80) p = varintEnd;
      if (offset < fetchOffset) {
        p = recordEnd;
        continue;
      }
      if (offset >= stopOffset) return { bytes: w, records: packed, nextOffset, stoppedAt: stopOffset };
      if (untilTimestamp !== null && timestamp >= untilTimestamp) return { bytes: w, records: packed, nextOffset, stoppedAt: offset };
      nextOffset = offset + 1;
      if (isControl) {
        p = recordEnd;
        continue;
      }
      b = data[p++]!;
      const keyLength = b < 0x80 ? (b >>> 1) ^ -(b & 1) : readVarint(data, p - 1);
      if (b >= 0x80) p = varintEnd;
      if (keyLength > 0) p += keyLength;
      b = data[p++]!;
      const valueLength = b < 0x80 ? (b >>> 1) ^ -(b & 1) : readVarint(data, p - 1);
      if (b >= 0x80) p = varintEnd;
      if (p + (valueLength > 0 ? valueLength : 0) > recordEnd) throw new CorruptBatchError(`record at offset ${offset} is longer than its length field`);
      if (valueLength > 0) {
        data.copyWithin(w, p, p + valueLength);
        w += valueLength;
      }
      data[w++] = NEWLINE;
      p = recordEnd;
      if (++packed >= maxRecords) return { bytes: w, records: packed, nextOffset, stoppedAt: null };
    }
    nextOffset = Math.max(nextOffset, lastOffset + 1);
  }
  return { bytes: w, records: packed, nextOffset, stoppedAt: null };
}

/** A zigzag varint (int32) starting at `pos`; sets varintEnd. */
function readVarint(data: Buffer, pos: number): number {
  let byte = data[pos++]!;
  let z = byte & 0x7f;
  let shift = 7;
  while (byte & 0x80) {
    if (shift > 28) throw new CorruptBatchError('varint longer than 5 bytes');
    byte = data[pos++]!;
    z |= (byte & 0x7f) << shift;
    shift += 7;
  }
  varintEnd = pos;
  return (z >>> 1) ^ -(z & 1);
}

/** A zigzag varlong within `end` (a timestamp delta); sets varintEnd. As RecordCursor reads it. */
function readVarlong(data: Buffer, pos: number, end: number): number {
  let byte = data[pos++]!;
  const negative = (byte & 1) === 1;
  let magnitude = (byte & 0x7f) >>> 1;
  let scale = 64;
  for (let extra = 1; byte & 0x80; extra++) {
    if (extra >= MAX_VARLONG_BYTES || pos >= end) throw new CorruptBatchError(`varlong longer than ${MAX_VARLONG_BYTES} bytes or past its record`);
    byte = data[pos++]!;
    magnitude += (byte & 0x7f) * scale;
    scale *= 128;
  }
  varintEnd = pos;
  const value = negative ? -magnitude - 1 : magnitude;
  if (!Number.isSafeInteger(value)) throw new CorruptBatchError(`varlong at byte ${pos} is outside the safe integer range`);
  return value;
}
