// Giving batches about to be appended their offsets: each batch's base offset is stamped in
// place (the broker assigns offsets, as Kafka does), and the run's sparse offset-index rows (one
// at a segment's start and then every INDEX_INTERVAL_BYTES) and new largest timestamp are worked
// out, so the caller writes the bytes once and indexes them.
import { batchSizeAt, readLastOffsetDelta, readMaxTimestamp, stampBaseOffset } from '../records/record-batch.js';
import { INDEX_INTERVAL_BYTES } from './offset-index.js';

export interface IndexRow {
  offset: number;
  position: number;
  /** Largest timestamp before this row's batch (the time index). */
  maxBefore: number;
}

/** Where the segment stands before the run. */
export interface AppendPoint {
  position: number;
  offset: number;
  maxTimestamp: number;
  bytesSinceIndex: number;
}

export interface StampedRun {
  rows: IndexRow[];
  nextOffset: number;
  maxTimestamp: number;
  bytesSinceIndex: number;
}

export function stampBatches(batches: Buffer, at: AppendPoint): StampedRun {
  const rows: IndexRow[] = [];
  let { offset, maxTimestamp, bytesSinceIndex } = at;
  let pos = 0;
  while (pos < batches.length) {
    const size = batchSizeAt(batches, pos);
    if (at.position + pos === 0 || bytesSinceIndex >= INDEX_INTERVAL_BYTES) {
      rows.push({ offset, position: at.position + pos, maxBefore: maxTimestamp });
      bytesSinceIndex = 0;
    }
    stampBaseOffset(batches, pos, offset);
    offset += readLastOffsetDelta(batches, pos) + 1;
    maxTimestamp = Math.max(maxTimestamp, readMaxTimestamp(batches, pos));
    bytesSinceIndex += size;
    pos += size;
  }
  return { rows, nextOffset: offset, maxTimestamp, bytesSinceIndex };
}
