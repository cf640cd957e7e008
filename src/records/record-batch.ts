// RecordBatch v2 (magic 2), the one record format of spool: on the socket, in segment files and
// in memory between them. Layout (big-endian), as Kafka's DefaultRecordBatch:
//
//   baseOffset            int64   0   assigned by the broker on append
//   batchLength           int32   8   bytes after this field
//   partitionLeaderEpoch  int32  12
//   magic                 int8   16   2
//   crc                   uint32 17   CRC-32C of bytes 21..end
//   attributes            int16  21   bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
//   lastOffsetDelta       int32  23
//   baseTimestamp         int64  27
//   maxTimestamp          int64  35
//   producerId            int64  43
//   producerEpoch         int16  51
//   baseSequence          int32  53
//   recordCount           int32  57
//   records               ...    61   (compressed as a whole when compression != 0)
//
// The CRC does not cover baseOffset, batchLength or partitionLeaderEpoch, so the broker can stamp
// the base offset in place without recomputing it.
import { CorruptBatchError } from '../common/errors.js';
import { crc32c } from './crc32c.js';
import { readInt64, writeInt64 } from './int64.js';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

/** baseOffset + batchLength: the bytes in front of what batchLength counts. */
export const LOG_OVERHEAD = 12;
export const BATCH_HEADER_SIZE = RECORDS_OFFSET;
export const MAGIC = 2;

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_MASK = 0x10;
export const CONTROL_MASK = 0x20;

export { COMPRESSION_NAMES, Compression } from './compression-codecs.js';

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Total bytes of the batch starting at `pos` (header included), from its batchLength field. */
export function batchSizeAt(buf: Buffer, pos: number): number {
  return LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}

/**
 * The header fields. An int64 outside the safe integer range (damage) throws, unless `lenient`:
 * then it comes out rounded, for tools that report damage rather than refuse it (verify, dump).
 */
export function readBatchHeader(buf: Buffer, pos = 0, lenient = false): BatchHeader {
  if (buf.length - pos < BATCH_HEADER_SIZE) {
    throw new CorruptBatchError(`record batch header needs ${BATCH_HEADER_SIZE} bytes, ${buf.length - pos} left`);
  }
  const int64 = lenient ? (at: number) => Number(buf.readBigInt64BE(at)) : (at: number) => readInt64(buf, at);
  return {
    baseOffset: int64(pos + BASE_OFFSET_OFFSET),
    batchLength: buf.readInt32BE(pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes: buf.readInt16BE(pos + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: int64(pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: int64(pos + MAX_TIMESTAMP_OFFSET),
    producerId: int64(pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT_OFFSET),
  };
}

export function readBaseOffset(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + BASE_OFFSET_OFFSET);
}

export function readLastOffsetDelta(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
}

export function readMaxTimestamp(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + MAX_TIMESTAMP_OFFSET);
}

export function readRecordCount(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + RECORD_COUNT_OFFSET);
}

/** Overwrite the base offset of the batch at `pos`; the CRC stays valid (it starts at byte 21). */
export function stampBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, baseOffset);
}

export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
}

/**
 * Why the `size` bytes at `pos` are not one well-formed batch, or null when they are: checks the
 * length field, the magic byte, the CRC-32C and that the offset deltas and count agree.
 */
export function batchDefect(buf: Buffer, pos: number, size: number): string | null {
  if (size < BATCH_HEADER_SIZE) return `batch of ${size} bytes is shorter than its ${BATCH_HEADER_SIZE}-byte header`;
  // A torn write: the size came from a batchLength whose bytes never all reached the buffer.
  if (size > buf.length - pos) return `batch of ${size} bytes runs past the ${buf.length - pos} bytes present`;
  if (batchSizeAt(buf, pos) !== size) return `batchLength says ${batchSizeAt(buf, pos)} bytes, ${size} present`;
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== MAGIC) return `magic byte is ${magic}, only RecordBatch v2 (magic 2) is supported`;
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const actual = computeBatchCrc(buf, pos, size);
  if (stored !== actual) {
    return `CRC-32C mismatch (stored ${hex32(stored)}, computed ${hex32(actual)})`;
  }
  const count = buf.readInt32BE(pos + RECORD_COUNT_OFFSET);
  const lastDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
  if (count < 0 || lastDelta < 0 || (count > 0 && lastDelta < count - 1)) {
    return `recordCount ${count} does not fit lastOffsetDelta ${lastDelta}`;
  }
  return null;
}

export function assertValidBatch(buf: Buffer, pos: number, size: number): void {
  const defect = batchDefect(buf, pos, size);
  if (defect !== null) throw new CorruptBatchError(defect);
}

/** Fill in crc over the finished bytes of the batch at `pos` spanning `size` bytes. */
export function sealBatch(buf: Buffer, pos: number, size: number): void {
  buf.writeInt32BE(size - LOG_OVERHEAD, pos + BATCH_LENGTH_OFFSET);
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + CRC_OFFSET);
}

export function writeBatchHeader(buf: Buffer, pos: number, header: Omit<BatchHeader, 'crc' | 'batchLength' | 'magic'>): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, header.baseOffset);
  buf.writeInt32BE(header.partitionLeaderEpoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
  buf.writeInt8(MAGIC, pos + MAGIC_OFFSET);
  buf.writeInt16BE(header.attributes, pos + ATTRIBUTES_OFFSET);
  buf.writeInt32BE(header.lastOffsetDelta, pos + LAST_OFFSET_DELTA_OFFSET);
  writeInt64(buf, pos + BASE_TIMESTAMP_OFFSET, header.baseTimestamp);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, header.maxTimestamp);
  writeInt64(buf, pos + PRODUCER_ID_OFFSET, header.producerId);
  buf.writeInt16BE(header.producerEpoch, pos + PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(header.baseSequence, pos + BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(header.recordCount, pos + RECORD_COUNT_OFFSET);
}

export function hex32(value: number): string {
  return '0x' + (value >>> 0).toString(16).padStart(8, '0');
}

/** The offset after the last batch in `records`. */
export function endOffsetOf(records: Buffer): number {
  let pos = 0;
  let end = 0;
  while (pos < records.length) {
    end = readBaseOffset(records, pos) + readLastOffsetDelta(records, pos) + 1;
    pos += batchSizeAt(records, pos);
  }
  return end;
}
