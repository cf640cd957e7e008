// Sequential scan of a segment's batches for recovery, verify and dump: reads the file in large
// chunks, checks every batch (length, magic, CRC-32C, offsets not going backwards, and with
// ScanOptions offsets that follow on and stay inside the segment) and stops at the first one that
// fails, reporting where and why. The base offset is outside the CRC, so only these offset checks
// catch a flipped bit there.
import { readSync, openSync, closeSync, fstatSync } from 'node:fs';
import { CorruptBatchError } from '../common/errors.js';
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  batchDefect,
  readBaseOffset,
  readLastOffsetDelta,
  readMaxTimestamp,
  readRecordCount,
} from '../records/record-batch.js';

const CHUNK_BYTES = 1 << 20;
/** Larger than any batch spool accepts; a bigger length field means corruption, not data. */
export const MAX_BATCH_BYTES = 256 * 1024 * 1024;

export interface ScannedBatch {
  position: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  recordCount: number;
  /** The batch's bytes; valid only during the visit call. */
  bytes: Buffer;
}

export interface ScanOptions {
  /**
   * Each batch must start right after the one before, the first at `minOffset`. True of an active
   * segment, which only appends write (compaction never rewrites it).
   */
  contiguous?: boolean;
  /** The base offset of the next segment: a batch reaching it is corrupt. */
  endOffset?: number;
}

export interface ScanResult {
  /** Byte position after the last good batch. */
  validEnd: number;
  /** Offset after the last good batch (or the `expectedOffset` passed in if none). */
  nextOffset: number;
  /** Why the scan stopped before the end of the file, or null if it reached the end cleanly. */
  problem: string | null;
  fileSizeBytes: number;
}

/**
 * Visit every good batch from `fromPosition` on. `minOffset` is the lowest base offset the first
 * batch may have (batches never go backwards); visit may return false to stop early.
 */
export function scanSegmentFile(
  path: string,
  fromPosition: number,
  minOffset: number,
  visit: (batch: ScannedBatch) => boolean | void,
  options: ScanOptions = {},
): ScanResult {
  const endOffset = options.endOffset ?? Number.MAX_SAFE_INTEGER;
  const contiguous = options.contiguous === true;
  const fd = openSync(path, 'r');
  try {
    const fileSizeBytes = fstatSync(fd).size;
    let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let chunkStart = 0; // file position of chunk[0]
    let chunkLength = 0;
    let position = fromPosition;
    let nextOffset = minOffset;
    const fail = (problem: string): ScanResult => ({ validEnd: position, nextOffset, problem, fileSizeBytes });

    while (position < fileSizeBytes) {
      const remaining = fileSizeBytes - position;
      if (remaining < BATCH_HEADER_SIZE) return fail(`${remaining} trailing bytes are too few for a batch header (torn write)`);
      if (position < chunkStart || position + BATCH_HEADER_SIZE > chunkStart + chunkLength) {
        chunkLength = readAt(fd, chunk, position, Math.min(chunk.length, remaining));
        chunkStart = position;
      }
      const at = position - chunkStart;
      const batchLength = chunk.readInt32BE(at + 8);
      const size = LOG_OVERHEAD + batchLength;
      if (size < BATCH_HEADER_SIZE || size > MAX_BATCH_BYTES) return fail(`batch length field ${batchLength} is impossible`);
      if (size > remaining) return fail(`batch of ${size} bytes runs past the end of the file (torn write)`);
      if (at + size > chunkLength) {
        if (size > chunk.length) chunk = Buffer.allocUnsafe(size);
        chunkLength = readAt(fd, chunk, position, Math.min(chunk.length, remaining));
        chunkStart = position;
      }
      const start = position - chunkStart;
      const defect = batchDefect(chunk, start, size);
      if (defect !== null) return fail(defect);
      const offsets = batchOffsets(chunk, start, nextOffset, contiguous, endOffset);
      if (typeof offsets === 'string') return fail(offsets);
      // Field by field, not `...offsets` among them: see readPartitionResult (protocol/messages/fetch.ts).
      const batch: ScannedBatch = {
        position,
        sizeBytes: size,
        baseOffset: offsets.baseOffset,
        lastOffset: offsets.lastOffset,
        maxTimestamp: offsets.maxTimestamp,
        recordCount: readRecordCount(chunk, start),
        bytes: chunk.subarray(start, start + size),
      };
      position += size;
      nextOffset = offsets.lastOffset + 1;
      if (visit(batch) === false) break;
    }
    return { validEnd: position, nextOffset, problem: null, fileSizeBytes };
  } finally {
    closeSync(fd);
  }
}

/** The offsets of a batch whose bytes passed batchDefect, or why they cannot be where they are. */
function batchOffsets(
  chunk: Buffer,
  start: number,
  nextOffset: number,
  contiguous: boolean,
  endOffset: number,
): { baseOffset: number; lastOffset: number; maxTimestamp: number } | string {
  let baseOffset: number;
  let maxTimestamp: number;
  try {
    baseOffset = readBaseOffset(chunk, start);
    maxTimestamp = readMaxTimestamp(chunk, start);
  } catch (err) {
    if (err instanceof CorruptBatchError) return err.message;
    throw err;
  }
  const lastOffset = baseOffset + readLastOffsetDelta(chunk, start);
  if (baseOffset < nextOffset) return `batch base offset ${baseOffset} goes back before ${nextOffset}`;
  if (contiguous && baseOffset !== nextOffset) return `batch base offset ${baseOffset} does not follow on from ${nextOffset}`;
  if (!Number.isSafeInteger(lastOffset) || lastOffset >= endOffset) {
    return `batch offsets ${baseOffset}..${lastOffset} reach past the segment's end at ${endOffset}`;
  }
  return { baseOffset, lastOffset, maxTimestamp };
}

function readAt(fd: number, buf: Buffer, position: number, length: number): number {
  let filled = 0;
  while (filled < length) {
    const n = readSync(fd, buf, filled, length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}
