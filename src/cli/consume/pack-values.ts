// The `value` format without an output buffer: each record's value is moved down inside the
// fetched bytes (copyWithin, several times cheaper than a copy into another buffer from
// JavaScript) and followed by a newline, so the output ends up at the front of `records`, ready to
// write. Safe because the write position never passes the read position: a value and its newline
// take fewer bytes than the record they come from, and every byte moved over was already read.
//
// One pass over uncompressed batches with the record fields read in place (no cursor, nothing
// allocated): per record a few varints and one copyWithin. Filters need the cursor and take the
// general path in record-writer.ts.
//
// A consume is a short-lived process, so the time to reach optimised code counts as much as the
// optimised code: the per-record loops are small functions of their own, with nothing in them but
// byte reads, and errors are raised through a function that is never inlined into them. The usual
// batch (wholly wanted, nothing to stop at) takes packWholeBatch, which does not even decode
// offsets and timestamps, also when the output is cut into chunks (a group's consume). Measured
// in a fresh process packing 600k records of 100 B: about 40 ms of CPU, against 65 through the
// general packBatch and 90 for one function doing it all.
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

/**
 * Output cut into chunks of whole records, for a writer that reports progress per chunk written:
 * `onChunk(end, nextOffset)` is called as soon as the bytes packed since the last cut reach
 * `bytes`, with the end of the output so far and the offset its records reach.
 */
export interface PackChunking {
  bytes: number;
  onChunk: (end: number, nextOffset: number) => void;
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

/** Where packing stands between batches; one object per packValues call. */
interface PackState {
  /** Output end (the write position). */
  w: number;
  /** Where the output not yet handed to onChunk starts. */
  chunkStart: number;
  packed: number;
  nextOffset: number;
  stoppedAt: number | null;
  /** A limit was reached: no more records. */
  done: boolean;
}

// Position after the last varint read by readVarint/readVarlong, and after the records packed by
// packWholeBatch: a second return value without an allocation.
let varintEnd = 0;

/** Pack the values of the whole uncompressed batches in `records` (see the file comment). */
export function packValues(records: Buffer, limits: PackLimits, chunking: PackChunking | null = null): PackResult {
  const state: PackState = { w: 0, chunkStart: 0, packed: 0, nextOffset: limits.fetchOffset, stoppedAt: null, done: false };
  let pos = 0;
  while (pos < records.length && !state.done) {
    const batchStart = pos;
    const batchEnd = batchStart + batchSizeAt(records, batchStart);
    if (batchEnd > records.length) corrupt(`batch at byte ${batchStart} runs past the ${records.length} bytes fetched`);
    // The header is read before any value is moved: packed bytes may be written over it.
    const baseOffset = readBaseOffset(records, batchStart);
    const lastOffset = baseOffset + readLastOffsetDelta(records, batchStart);
    pos = batchEnd;
    if (lastOffset < limits.fetchOffset) continue;
    const isControl = (records.readInt16BE(batchStart + ATTRIBUTES_OFFSET) & CONTROL_MASK) !== 0;
    const baseTimestamp = limits.untilTimestamp === null ? 0 : readInt64(records, batchStart + BASE_TIMESTAMP_OFFSET);
    const count = records.readInt32BE(batchStart + RECORD_COUNT_OFFSET);
    const whole =
      limits.untilTimestamp === null &&
      baseOffset >= limits.fetchOffset &&
      lastOffset < limits.stopOffset &&
      state.packed + count < limits.maxRecords;
    if (!whole) packBatch(records, batchStart + RECORDS_OFFSET, batchEnd, count, baseOffset, baseTimestamp, isControl, limits, chunking, state);
    else if (!isControl) packWholeBatchInChunks(records, batchStart + RECORDS_OFFSET, batchEnd, count, baseOffset, chunking, state);
    if (!state.done && lastOffset + 1 > state.nextOffset) state.nextOffset = lastOffset + 1;
  }
  return { bytes: state.w, records: state.packed, nextOffset: state.nextOffset, stoppedAt: state.stoppedAt };
}

/**
 * A batch whose every record is wanted, with no stop or limit that a record could reach: packed
 * by packWholeBatch, in pieces that end where the output reaches a chunk's size. A cut inside the
 * batch reports the offset after the records packed as baseOffset + their count: exact unless
 * compaction left gaps in the batch's offsets, and then lower than the records reached, never
 * higher (each record's offset is at least baseOffset plus its index), so what it reports as
 * written always was. The batch's end reports its last offset (packValues).
 */
function packWholeBatchInChunks(
  data: Buffer,
  p: number,
  batchEnd: number,
  count: number,
  baseOffset: number,
  chunking: PackChunking | null,
  state: PackState,
): void {
  let left = count;
  for (;;) {
    const cutAt = chunking === null ? Infinity : state.chunkStart + chunking.bytes;
    state.w = packWholeBatch(data, p, batchEnd, left, state.w, cutAt);
    state.packed += left - recordsLeft;
    left = recordsLeft;
    p = varintEnd;
    if (state.w >= cutAt) {
      chunking!.onChunk(state.w, baseOffset + count - left);
      state.chunkStart = state.w;
    }
    if (left === 0) break;
  }
  // A count larger than the records there would have read past them without noticing.
  if (p !== batchEnd) corrupt(`the batch ending at byte ${batchEnd} does not hold the ${count} records it counts`);
}

/** Records of its batch that packWholeBatch left when it stopped at a cut. */
let recordsLeft = 0;

/**
 * Up to `count` records from `p` of a batch whose every record is wanted, packed at `w`, stopping
 * after the record that takes the output to `cutAt`. Returns the end of the output; the end of the
 * records read is left in varintEnd and the records not read in recordsLeft.
 */
function packWholeBatch(data: Buffer, p: number, batchEnd: number, count: number, w: number, cutAt: number): number {
  let remaining = count;
  // Lengths of 64 B to 8 KiB take two varint bytes: those are read here, longer ones by
  // readRawVarint: a fifth less CPU for a fresh process than calling readVarint for both.
  while (remaining > 0) {
    remaining--;
    let z = data[p++]!;
    if (z >= 0x80) {
      const next = data[p++]!;
      if (next < 0x80) z = (z & 0x7f) | (next << 7);
      else {
        z = readRawVarint(data, p - 2);
        p = varintEnd;
      }
    }
    const length = (z >>> 1) ^ -(z & 1);
    const recordEnd = p + length;
    if (length < 0 || recordEnd > batchEnd) corrupt(`record at byte ${p} runs past the end of its batch`);
    p++; // attributes
    while (data[p++]! >= 0x80); // timestamp delta
    while (data[p++]! >= 0x80); // offset delta
    z = data[p++]!;
    if (z >= 0x80) {
      const next = data[p++]!;
      if (next < 0x80) z = (z & 0x7f) | (next << 7);
      else {
        z = readRawVarint(data, p - 2);
        p = varintEnd;
      }
    }
    const keyLength = (z >>> 1) ^ -(z & 1);
    if (keyLength > 0) p += keyLength;
    z = data[p++]!;
    if (z >= 0x80) {
      const next = data[p++]!;
      if (next < 0x80) z = (z & 0x7f) | (next << 7);
      else {
        z = readRawVarint(data, p - 2);
        p = varintEnd;
      }
    }
    const valueLength = (z >>> 1) ^ -(z & 1);
    const valueEnd = valueLength > 0 ? p + valueLength : p;
    if (valueEnd > recordEnd) corrupt(`record at byte ${recordEnd - length} is longer than its length field`);
    if (valueEnd > p) {
      data.copyWithin(w, p, valueEnd);
      w += valueLength;
    }
    data[w++] = NEWLINE;
    p = recordEnd;
    if (w >= cutAt) break;
  }
  // Nothing after the loop needs type feedback (module variables and a return): V8 optimises
  // this function in the middle of its first loop, and code after it with no feedback yet would
  // throw that away at the loop's end. The caller checks the end.
  varintEnd = p;
  recordsLeft = remaining;
  return w;
}

/** The `count` records from `p` to `batchEnd` of one batch, packed at state.w, for every kind of batch. */
function packBatch(
  data: Buffer,
  p: number,
  batchEnd: number,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
  isControl: boolean,
  limits: PackLimits,
  chunking: PackChunking | null,
  state: PackState,
): void {
  const fetchOffset = limits.fetchOffset;
  const stopOffset = limits.stopOffset;
  const untilTimestamp = limits.untilTimestamp;
  const maxRecords = limits.maxRecords;
  const chunkBytes = chunking === null ? Infinity : chunking.bytes;
  let w = state.w;
  let packed = state.packed;
  let nextOffset = state.nextOffset;
  for (let remaining = count; remaining > 0; remaining--) {
    let b = data[p++]!;
    let length = (b >>> 1) ^ -(b & 1);
    if (b >= 0x80) {
      length = readVarint(data, p - 1);
      p = varintEnd;
    }
    const recordEnd = p + length;
    if (length < 0 || recordEnd > batchEnd) corrupt(`record at byte ${p} runs past the end of its batch`);
    p++; // attributes
    let timestamp = 0;
    if (untilTimestamp !== null) {
      timestamp = baseTimestamp + readVarlong(data, p, recordEnd);
      p = varintEnd;
    } else {
      while (data[p++]! >= 0x80);
    }
    b = data[p++]!;
    let offset = (b >>> 1) ^ -(b & 1);
    if (b >= 0x80) {
      offset = readVarint(data, p - 1);
      p = varintEnd;
    }
    offset += baseOffset;
    if (offset < fetchOffset) {
      p = recordEnd;
      continue;
    }
    if (offset >= stopOffset || (untilTimestamp !== null && timestamp >= untilTimestamp)) {
      state.stoppedAt = offset >= stopOffset ? stopOffset : offset;
      state.done = true;
      break;
    }
    nextOffset = offset + 1;
    if (isControl) {
      p = recordEnd;
      continue;
    }
    b = data[p++]!;
    let keyLength = (b >>> 1) ^ -(b & 1);
    if (b >= 0x80) {
      keyLength = readVarint(data, p - 1);
      p = varintEnd;
    }
    if (keyLength > 0) p += keyLength;
    b = data[p++]!;
    let valueLength = (b >>> 1) ^ -(b & 1);
    if (b >= 0x80) {
      valueLength = readVarint(data, p - 1);
      p = varintEnd;
    }
    const valueEnd = valueLength > 0 ? p + valueLength : p;
    if (valueEnd > recordEnd) corrupt(`record at offset ${offset} is longer than its length field`);
    if (valueEnd > p) {
      data.copyWithin(w, p, valueEnd);
      w += valueLength;
    }
    data[w++] = NEWLINE;
    p = recordEnd;
    packed++;
    if (w - state.chunkStart >= chunkBytes) {
      chunking!.onChunk(w, nextOffset);
      state.chunkStart = w;
    }
    if (packed >= maxRecords) {
      state.done = true;
      break;
    }
  }
  state.w = w;
  state.packed = packed;
  state.nextOffset = nextOffset;
}

/** A zigzag varint (int32) starting at `pos`; sets varintEnd. */
function readVarint(data: Buffer, pos: number): number {
  const z = readRawVarint(data, pos);
  return (z >>> 1) ^ -(z & 1);
}

/** The varint starting at `pos` as it is stored, still zigzag-encoded; sets varintEnd. */
function readRawVarint(data: Buffer, pos: number): number {
  let byte = data[pos++]!;
  let z = byte & 0x7f;
  let shift = 7;
  while (byte & 0x80) {
    if (shift > 28) corrupt('varint longer than 5 bytes');
    byte = data[pos++]!;
    z |= (byte & 0x7f) << shift;
    shift += 7;
  }
  varintEnd = pos;
  return z;
}

/** A zigzag varlong within `end` (a timestamp delta); sets varintEnd. As RecordCursor reads it. */
function readVarlong(data: Buffer, pos: number, end: number): number {
  let byte = data[pos++]!;
  const negative = (byte & 1) === 1;
  let magnitude = (byte & 0x7f) >>> 1;
  let scale = 64;
  for (let extra = 1; byte & 0x80; extra++) {
    if (extra >= MAX_VARLONG_BYTES || pos >= end) corrupt(`varlong longer than ${MAX_VARLONG_BYTES} bytes or past its record`);
    byte = data[pos++]!;
    magnitude += (byte & 0x7f) * scale;
    scale *= 128;
  }
  varintEnd = pos;
  const value = negative ? -magnitude - 1 : magnitude;
  if (!Number.isSafeInteger(value)) corrupt(`varlong at byte ${pos} is outside the safe integer range`);
  return value;
}

/** Kept out of line: the hot loop only calls it, so its code is not compiled into the loop. */
function corrupt(message: string): never {
  throw new CorruptBatchError(message);
}
