// Recovery of one partition at open: the segment files are the truth. Segment rows for missing
// files are forgotten (with every index row, when no file is left); a closed segment whose
// recorded size matches its file and that still has index rows is trusted; any other segment, and
// always the active one from its last index row on, is scanned batch by batch and cut at the
// first torn or corrupt batch. Index rows past the cut are dropped, missing ones added. An index
// row that does not lead to a good batch (past the end, inside a batch, the wrong offset, no time
// row beside it) sends the scan back to the start of the segment.
// A closed segment cut where the next file's first batch begins is the copy of a compaction merge
// that stopped before removing the files it merged (compaction/merge-segments.ts): the warning
// says so, as nothing is lost.
import { closeSync, openSync, readSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BATCH_HEADER_SIZE } from '../records/record-batch.js';
import { CLEANED_SUFFIX, parseSegmentFileName, segmentFileName } from './file-names.js';
import { INDEX_INTERVAL_BYTES, type OffsetIndex, type SegmentRow } from './offset-index.js';
import { scanSegmentFile } from './segment-scanner.js';
import { Segment } from './segment.js';

export interface RecoveryReport {
  /** Bytes cut from segment tails. */
  truncatedBytes: number;
  /** One line per cut: file, position, reason. */
  problems: string[];
  /** Segments whose index rows were rebuilt from a full scan. */
  rebuiltSegments: number;
  /** Log bytes since the active segment's last index row. */
  bytesSinceIndex: number;
}

export function recoverSegments(
  dir: string,
  partitionId: number,
  index: OffsetIndex,
  logStartOffset: number,
): { segments: Segment[]; report: RecoveryReport } {
  const report: RecoveryReport = { truncatedBytes: 0, problems: [], rebuiltSegments: 0, bytesSinceIndex: 0 };
  // A compaction that did not finish leaves its half-written copy: the original is still whole.
  for (const name of readdirSync(dir)) if (name.endsWith(CLEANED_SUFFIX)) rmSync(join(dir, name), { force: true });
  const bases = readdirSync(dir)
    .map(parseSegmentFileName)
    .filter((b): b is number => b !== null)
    .sort((a, b) => a - b);
  const rows = new Map(index.segments(partitionId).map((row) => [row.baseOffset, row]));
  let knownEnd = logStartOffset;
  for (const row of rows.values()) {
    knownEnd = Math.max(knownEnd, row.nextOffset ?? 0);
    if (!bases.includes(row.baseOffset)) index.dropSegment(partitionId, row.baseOffset, row.nextOffset ?? Number.MAX_SAFE_INTEGER);
  }
  if (bases.length === 0) {
    // The rows of the lost active segment have no segments row to find them by: drop them all,
    // or they would point into the new file at knownEnd.
    index.dropPartition(partitionId);
    return { segments: [Segment.create(dir, knownEnd, -1)], report };
  }

  const segments: Segment[] = [];
  let maxTimestamp = -1;
  bases.forEach((base, i) => {
    const segment = Segment.open(dir, base);
    const isActive = i === bases.length - 1;
    const row = rows.get(base);
    if (!isActive && isTrusted(segment, row, partitionId, index)) {
      segment.nextOffset = row!.nextOffset!;
      segment.maxTimestamp = row!.maxTimestamp!;
    } else {
      const endOffset = isActive ? Number.MAX_SAFE_INTEGER : bases[i + 1]!;
      recoverSegment(segment, partitionId, index, maxTimestamp, endOffset, report);
      if (!isActive) {
        index.segmentSave(partitionId, {
          baseOffset: base,
          nextOffset: segment.nextOffset,
          sizeBytes: segment.sizeBytes,
          maxTimestamp: segment.maxTimestamp,
        });
      }
    }
    maxTimestamp = Math.max(maxTimestamp, segment.maxTimestamp);
    segment.maxTimestamp = maxTimestamp;
    if (!isActive) segment.close();
    segments.push(segment);
  });
  return { segments, report };
}

/**
 * A closed segment is trusted when its row matches the file and it still has index rows (looked
 * up by its offset range, which the primary key serves; lost rows are rebuilt by a rescan).
 */
function isTrusted(segment: Segment, row: SegmentRow | undefined, partitionId: number, index: OffsetIndex): boolean {
  if (row?.nextOffset == null || row.maxTimestamp == null || row.sizeBytes !== segment.sizeBytes) return false;
  return row.sizeBytes === 0 || index.floor(partitionId, segment.baseOffset, row.nextOffset - 1) !== undefined;
}

interface ScanStart {
  position: number;
  offset: number;
  maxBefore: number;
}

/** Scan `segment` (from its last index row when it is the active one), cut a bad tail, fix rows. */
function recoverSegment(
  segment: Segment,
  partitionId: number,
  index: OffsetIndex,
  maxTimestampBefore: number,
  endOffset: number,
  report: RecoveryReport,
): void {
  const isActive = endOffset === Number.MAX_SAFE_INTEGER;
  const fileSize = segment.sizeBytes;
  const base = segment.baseOffset;
  const fromStart: ScanStart = { position: 0, offset: base, maxBefore: maxTimestampBefore };
  const indexed = isActive ? lastIndexedBatch(segment, partitionId, index, fileSize) : null;
  let start = indexed ?? fromStart;
  let result = scanFrom(segment, partitionId, index, start, endOffset, isActive);
  if (result.problem !== null && result.validEnd === start.position && start.position > 0) {
    // The batch at the last index row is unreadable: either the row is wrong or the tail is torn
    // right there. Only a scan from the start of the file can tell which.
    start = fromStart;
    result = scanFrom(segment, partitionId, index, start, endOffset, isActive);
  }
  if (start !== indexed && fileSize > 0) report.rebuiltSegments++;
  if (result.validEnd < fileSize) {
    report.truncatedBytes += fileSize - result.validEnd;
    const why = !isActive && isFirstBatchOfNext(segment, result.validEnd, endOffset) ? UNFINISHED_MERGE : result.problem;
    report.problems.push(`${segment.path}: cut ${fileSize - result.validEnd} bytes at position ${result.validEnd}: ${why}`);
    segment.truncate(result.validEnd);
  }
  index.truncateSegment(partitionId, base, result.validEnd, result.nextOffset, endOffset);
  segment.sizeBytes = result.validEnd;
  segment.nextOffset = Math.max(result.nextOffset, base);
  segment.maxTimestamp = result.maxTimestamp;
  if (isActive) report.bytesSinceIndex = result.bytesSinceIndex;
}

const UNFINISHED_MERGE =
  'its batches from there on belong to the next segment, which still holds them (a compaction merge that did not finish)';

/**
 * The batch at `position` is the first batch of the next segment's file, byte for byte (headers
 * carry the CRC): what a merge leaves when it stops after renaming its copy over this segment.
 */
function isFirstBatchOfNext(segment: Segment, position: number, nextBaseOffset: number): boolean {
  if (segment.sizeBytes - position < BATCH_HEADER_SIZE) return false;
  let fd: number | null = null;
  try {
    fd = openSync(join(dirname(segment.path), segmentFileName(nextBaseOffset)), 'r');
    const next = Buffer.alloc(BATCH_HEADER_SIZE);
    if (readSync(fd, next, 0, BATCH_HEADER_SIZE, 0) !== BATCH_HEADER_SIZE) return false;
    return next.equals(segment.read(position, BATCH_HEADER_SIZE));
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Where the scan of the active segment may start: its last index row, if that row lies inside
 * the file and has its time row (which carries the max timestamp of everything before it).
 */
function lastIndexedBatch(segment: Segment, partitionId: number, index: OffsetIndex, fileSize: number): ScanStart | null {
  const last = index.lastInSegment(partitionId, segment.baseOffset);
  if (last === undefined || last.position >= fileSize) return null;
  const time = index.timeFloor(partitionId, last.offset);
  if (time?.offset !== last.offset) return null;
  return { position: last.position, offset: last.offset, maxBefore: time.timestamp };
}

/** Scan from `start`, adding index rows past it; from position 0 the segment's rows are rebuilt. */
function scanFrom(
  segment: Segment,
  partitionId: number,
  index: OffsetIndex,
  start: ScanStart,
  endOffset: number,
  contiguous: boolean,
) {
  const base = segment.baseOffset;
  if (start.position === 0) index.dropSegmentRows(partitionId, base, endOffset);
  let maxTimestamp = start.maxBefore;
  let bytesSinceIndex = 0;
  const visit = (batch: { position: number; baseOffset: number; sizeBytes: number; maxTimestamp: number }): void => {
    if (batch.position === 0 || (batch.position > start.position && bytesSinceIndex >= INDEX_INTERVAL_BYTES)) {
      index.add(partitionId, base, batch.baseOffset, batch.position, maxTimestamp);
      bytesSinceIndex = 0;
    }
    bytesSinceIndex += batch.sizeBytes;
    maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp);
  };
  const scan = scanSegmentFile(segment.path, start.position, start.offset, visit, { contiguous, endOffset });
  return { ...scan, maxTimestamp, bytesSinceIndex };
}
