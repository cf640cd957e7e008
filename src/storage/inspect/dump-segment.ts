// The batches of segment files as data, for `spool dump` (Kafka's kafka-dump-log): every header
// field of each batch, whether its CRC-32C holds, and with `records` the records of the batch
// (decompressed from gzip, snappy or lz4). A corrupt batch is given as far as it can be read; the
// walk ends where SegmentReader stops. Nothing here prints: the CLI formats what comes out.
import { CorruptBatchError, errorMessage } from '../../common/errors.js';
import {
  COMPRESSION_MASK,
  COMPRESSION_NAMES,
  CONTROL_MASK,
  Compression,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_MASK,
} from '../../records/record-batch.js';
import { RecordCursor } from '../../records/record-cursor.js';
import type { RecordHeader } from '../../records/record.js';
import { SegmentReader, type SegmentBatch, type SegmentStop } from './segment-reader.js';

export interface DumpedBatch {
  type: 'batch';
  file: string;
  position: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
  /** recordCount from the header. */
  count: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  crcValid: boolean;
  /** Why the batch is not well formed (length, magic, CRC, count), or null. */
  problem: string | null;
  /** `none`, `gzip`, `snappy`, `lz4`, `zstd`, or `codec N` for an unknown one. */
  compression: string;
  timestampType: 'CreateTime' | 'LogAppendTime';
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** The sequence of the last record, -1 without idempotence (Kafka's lastSequence). */
  lastSequence: number;
  isTransactional: boolean;
  isControl: boolean;
}

export interface DumpedRecord {
  type: 'record';
  offset: number;
  timestamp: number;
  /** The record's sequence number, -1 when the batch has none. */
  sequence: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** The records of a batch (or the rest of them) cannot be shown, and why. */
export interface UnreadableRecords {
  type: 'unreadable-records';
  file: string;
  position: number;
  baseOffset: number;
  /** True for a codec number Kafka does not define (5 to 7): not damage. */
  unsupported: boolean;
  reason: string;
}

/** The end of one file: `stop` says why it ended early, null when every byte was read. */
export interface DumpedFileEnd {
  type: 'end';
  file: string;
  /** The file's size when it was opened. */
  sizeBytes: number;
  batches: number;
  stop: SegmentStop | null;
}

export type DumpEntry = DumpedBatch | DumpedRecord | UnreadableRecords | DumpedFileEnd;

export interface DumpOptions {
  /** Also give the records of each batch, after it. */
  records?: boolean;
}

/** Every batch of the segment file at `path`, in file order, then one `end` entry. */
export function* dumpSegment(path: string, options: DumpOptions = {}): Generator<DumpEntry> {
  const reader = SegmentReader.open(path);
  let batches = 0;
  try {
    const cursor = new RecordCursor();
    for (const batch of reader.batches()) {
      batches++;
      const dumped = describeBatch(path, batch);
      yield dumped;
      if (options.records === true) yield* batchRecords(cursor, dumped, batch);
    }
    yield { type: 'end', file: path, sizeBytes: reader.sizeBytes, batches, stop: reader.stop };
  } finally {
    reader.close();
  }
}

export function describeBatch(file: string, batch: SegmentBatch): DumpedBatch {
  const h = batch.header;
  const codec = h.attributes & COMPRESSION_MASK;
  return {
    type: 'batch',
    file,
    position: batch.position,
    sizeBytes: batch.sizeBytes,
    baseOffset: h.baseOffset,
    lastOffset: batch.lastOffset,
    count: h.recordCount,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    magic: h.magic,
    crc: h.crc,
    crcValid: batch.crcValid,
    problem: batch.defect,
    compression: COMPRESSION_NAMES[codec] ?? `codec ${codec}`,
    timestampType: (h.attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime',
    firstTimestamp: h.baseTimestamp,
    maxTimestamp: h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    lastSequence: h.baseSequence < 0 ? -1 : sequenceAt(h.baseSequence, h.lastOffsetDelta),
    isTransactional: (h.attributes & TRANSACTIONAL_MASK) !== 0,
    isControl: (h.attributes & CONTROL_MASK) !== 0,
  };
}

/** The records of one batch, then an `unreadable-records` entry if they could not all be read. */
function* batchRecords(cursor: RecordCursor, dumped: DumpedBatch, batch: SegmentBatch): Generator<DumpedRecord | UnreadableRecords> {
  const unreadable = (reason: string, unsupported: boolean): UnreadableRecords => ({
    type: 'unreadable-records',
    file: dumped.file,
    position: dumped.position,
    baseOffset: dumped.baseOffset,
    unsupported,
    reason,
  });
  const codec = batch.header.attributes & COMPRESSION_MASK;
  if (codec > Compression.Zstd) {
    yield unreadable(`records are compressed with ${dumped.compression}, which Kafka does not define (none, gzip, snappy, lz4 and zstd are)`, true);
    return;
  }
  // Records come out as they are decoded: a damaged batch shows the records before the damage.
  const baseSequence = batch.header.baseSequence;
  let decoded = 0;
  try {
    cursor.open(batch.bytes, 0, batch.sizeBytes);
    while (cursor.next()) {
      decoded++;
      yield {
        type: 'record',
        offset: cursor.offset,
        timestamp: cursor.timestamp,
        sequence: baseSequence < 0 ? -1 : sequenceAt(baseSequence, cursor.offset - batch.header.baseOffset),
        key: copyOf(cursor.key()),
        value: copyOf(cursor.value()),
        headers: cursor.headers().map((h) => ({ key: h.key, value: copyOf(h.value) })),
      };
    }
  } catch (err) {
    if (!(err instanceof CorruptBatchError) && !(err instanceof RangeError)) throw err;
    yield unreadable(`records cannot be decoded after ${decoded} of ${dumped.count}: ${errorMessage(err)}`, false);
  }
}

/** Kafka's sequence arithmetic: sequences wrap from 2^31 - 1 to 0. */
function sequenceAt(baseSequence: number, delta: number): number {
  const sequence = baseSequence + delta;
  return sequence > 0x7fffffff ? sequence - 0x80000000 : sequence;
}

/** Record bytes point into the reader's window, which the next batch overwrites. */
function copyOf(bytes: Buffer | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes);
}
