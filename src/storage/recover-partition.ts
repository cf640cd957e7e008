// Recovery of one partition at open: the segment files are the truth. Segment rows for missing
// files are forgotten; a closed segment whose recorded size matches its file is trusted; any other
// segment, and always the active one from its last index row on, is scanned batch by batch and
// cut at the first torn or corrupt batch. Index rows past the cut are dropped, missing ones added.
import { readdirSync } from 'node:fs';
import { parseSegmentFileName } from './file-names.js';
import { INDEX_INTERVAL_BYTES, type OffsetIndex } from './offset-index.js';
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
    return { segments: [Segment.create(dir, knownEnd, -1)], report };
  }

  const segments: Segment[] = [];
  let maxTimestamp = -1;
  bases.forEach((base, i) => {
    const segment = Segment.open(dir, base);
    const isActive = i === bases.length - 1;
    const row = rows.get(base);
    if (!isActive && row?.nextOffset != null && row.maxTimestamp != null && row.sizeBytes === segment.sizeBytes) {
      segment.nextOffset = row.nextOffset;
      segment.maxTimestamp = row.maxTimestamp;
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
  const last = isActive ? index.lastInSegment(partitionId, base) : undefined;
  let start = { position: 0, offset: base, maxBefore: maxTimestampBefore };
  if (last !== undefined && last.position < fileSize) {
    const time = index.timeFloor(partitionId, last.offset);
    start = { position: last.position, offset: last.offset, maxBefore: time?.timestamp ?? maxTimestampBefore };
  }
  let result = scanFrom(segment, partitionId, index, start, endOffset);
  if (result.problem !== null && result.validEnd === start.position && start.position > 0) {
    // The batch at the last index row is unreadable: either the row is wrong or the tail is torn
    // right there. Only a scan from the start of the file can tell which.
    start = { position: 0, offset: base, maxBefore: maxTimestampBefore };
    result = scanFrom(segment, partitionId, index, start, endOffset);
  }
  if (start.position === 0) report.rebuiltSegments++;
  if (result.validEnd < fileSize) {
    report.truncatedBytes += fileSize - result.validEnd;
    report.problems.push(`${segment.path}: cut ${fileSize - result.validEnd} bytes at position ${result.validEnd}: ${result.problem}`);
    segment.truncate(result.validEnd);
  }
  index.truncateSegment(partitionId, base, result.validEnd, result.nextOffset);
  segment.sizeBytes = result.validEnd;
  segment.nextOffset = Math.max(result.nextOffset, base);
  segment.maxTimestamp = result.maxTimestamp;
  if (isActive) report.bytesSinceIndex = result.bytesSinceIndex;
}

interface ScanStart {
  position: number;
  offset: number;
  maxBefore: number;
}

/** Scan from `start`, adding index rows past it; from position 0 the segment's rows are rebuilt. */
function scanFrom(segment: Segment, partitionId: number, index: OffsetIndex, start: ScanStart, endOffset: number) {
  const base = segment.baseOffset;
  if (start.position === 0) index.dropSegmentRows(partitionId, base, endOffset);
  let maxTimestamp = start.maxBefore;
  let bytesSinceIndex = 0;
  const scan = scanSegmentFile(segment.path, start.position, start.offset, (batch) => {
    if (batch.position === 0 || (batch.position > start.position && bytesSinceIndex >= INDEX_INTERVAL_BYTES)) {
      index.add(partitionId, base, batch.baseOffset, batch.position, maxTimestamp);
      bytesSinceIndex = 0;
    }
    bytesSinceIndex += batch.sizeBytes;
    maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp);
  });
  return { ...scan, maxTimestamp, bytesSinceIndex };
}
