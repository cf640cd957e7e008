// Re-encoding a batch with a subset of its records: log compaction's filter (Kafka's
// MemoryRecords.filterTo). The kept records are copied byte for byte, since the batch keeps its
// baseOffset, baseTimestamp, maxTimestamp and lastOffsetDelta, so every record's offsetDelta and
// timestampDelta stay valid and the batch still spans the same offsets (gaps inside are allowed).
// Only recordCount, the records section and the CRC change. A compressed batch is compressed
// again with its own codec, so it stays as small and as readable as its producer made it.
//
//   kept records section = record* (each: length varint, then `length` bytes; see record.ts)
import { CorruptBatchError } from '../common/errors.js';
import { compressRecords } from './compression.js';
import {
  ATTRIBUTES_OFFSET,
  COMPRESSION_MASK,
  Compression,
  RECORDS_OFFSET,
  RECORD_COUNT_OFFSET,
  sealBatch,
} from './record-batch.js';
import type { RecordCursor } from './record-cursor.js';

export type FilteredBatch =
  | { kept: 'all' }
  | { kept: 'none' }
  /** `batch` is a new, sealed batch of `recordCount` records. */
  | { kept: 'some'; batch: Buffer; recordCount: number };

/**
 * Run `keep` over every record of the `size`-byte batch at `pos` (the cursor is positioned on the
 * record when `keep` sees it) and encode what it keeps. `cursor` is reused: no allocation per
 * record. Throws CorruptBatchError when the records cannot be decoded.
 */
export function filterBatch(
  cursor: RecordCursor,
  batch: Buffer,
  pos: number,
  size: number,
  keep: (cursor: RecordCursor) => boolean,
): FilteredBatch {
  cursor.open(batch, pos, size);
  // RecordCursor.open has refused the codec numbers Kafka does not define.
  const codec = (batch.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_MASK) as Compression;
  const data = cursor.data;
  const dataEnd = codec === Compression.None ? pos + size : data.length;
  let recordStart = codec === Compression.None ? pos + RECORDS_OFFSET : 0;
  // Kept records as [start, end) pairs into `data`; runs of kept records merge into one span.
  const spans: number[] = [];
  let keptCount = 0;
  let total = 0;
  while (cursor.next()) {
    total++;
    const recordEnd = recordEndAt(data, recordStart, dataEnd);
    if (keep(cursor)) {
      keptCount++;
      if (spans.length > 0 && spans[spans.length - 1] === recordStart) spans[spans.length - 1] = recordEnd;
      else spans.push(recordStart, recordEnd);
    }
    recordStart = recordEnd;
  }
  if (keptCount === total) return { kept: 'all' };
  if (keptCount === 0) return { kept: 'none' };
  return { kept: 'some', batch: encodeKept(batch, pos, codec, data, spans, keptCount), recordCount: keptCount };
}

function encodeKept(batch: Buffer, pos: number, codec: Compression, data: Buffer, spans: number[], count: number): Buffer {
  let recordsBytes = 0;
  for (let i = 0; i < spans.length; i += 2) recordsBytes += spans[i + 1]! - spans[i]!;
  const records = Buffer.allocUnsafe(recordsBytes);
  let at = 0;
  for (let i = 0; i < spans.length; i += 2) at += data.copy(records, at, spans[i]!, spans[i + 1]!);
  const section = compressRecords(codec, records);
  const out = Buffer.allocUnsafe(RECORDS_OFFSET + section.length);
  batch.copy(out, 0, pos, pos + RECORDS_OFFSET);
  section.copy(out, RECORDS_OFFSET);
  out.writeInt32BE(count, RECORD_COUNT_OFFSET);
  sealBatch(out, 0, out.length);
  return out;
}

/** The end of the record whose length varint starts at `pos` (RecordCursor has checked it fits). */
function recordEndAt(data: Buffer, pos: number, end: number): number {
  let z = 0;
  let shift = 0;
  for (;;) {
    if (pos >= end || shift > 28) throw new CorruptBatchError(`record length at byte ${pos} is not a varint`);
    const byte = data[pos++]!;
    z |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  const length = (z >>> 1) ^ -(z & 1);
  if (length < 0 || pos + length > end) throw new CorruptBatchError(`record at byte ${pos} runs past the end of its batch`);
  return pos + length;
}
