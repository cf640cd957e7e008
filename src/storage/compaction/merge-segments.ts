// The last step of a compaction pass: neighbouring closed segments that compaction has made small
// are merged into one, as Kafka's cleaner groups segments. Without it a compacted topic keeps one
// file and one segments row per segment it ever rolled, however little is left in each.
//
// A run of neighbours whose bytes together fit in segment.bytes is copied, oldest first, into one
// file with the first one's base offset (batches as they are, offsets preserved), fdatasynced,
// and swapped in by PartitionLog.replaceSegments: a crash at any moment leaves every batch in
// exactly one file (see there). The active segment is never merged. Merging trades timely
// expiry for fewer files: under `compact,delete` a merged segment expires when its newest record
// does, as in Kafka.
import { batchSizeAt, readBaseOffset, readMaxTimestamp } from '../../records/record-batch.js';
import type { PartitionLog, SegmentInfo } from '../partition-log.js';
import { CleanedSegmentWriter } from './cleaned-segment.js';
import type { PassPacer } from './pass-pacer.js';
import { SegmentChunks } from './segment-chunks.js';
import { cleanedPathOf, retireLater } from './swap-files.js';

export interface MergeOutcome {
  /** Segments that are now part of another one (removed from the log). */
  segmentsMerged: number;
  bytesRead: number;
  /** False when the pass must stop (broker stopping, partition gone). */
  complete: boolean;
}

/**
 * Runs of two or more neighbouring closed segments below `endOffset` whose bytes together fit in
 * `maxBytes`, oldest first. Segments past the pass's cleanable end are left out: they are not
 * compacted yet, and the schedule counts them dirty by their base offset.
 */
export function mergeableRuns(segments: readonly SegmentInfo[], maxBytes: number, endOffset: number): SegmentInfo[][] {
  const runs: SegmentInfo[][] = [];
  let run: SegmentInfo[] = [];
  let bytes = 0;
  for (const segment of segments) {
    if (segment.active || segment.nextOffset > endOffset) break;
    if (run.length > 0 && bytes + segment.sizeBytes <= maxBytes) {
      run.push(segment);
      bytes += segment.sizeBytes;
      continue;
    }
    if (run.length > 1) runs.push(run);
    run = [segment];
    bytes = segment.sizeBytes;
  }
  if (run.length > 1) runs.push(run);
  return runs;
}

/** Merge the runs of small closed segments of `log` below `endOffset` into segments of at most `maxBytes`. */
export async function mergeSmallSegments(log: PartitionLog, maxBytes: number, endOffset: number, pacer: PassPacer): Promise<MergeOutcome> {
  const outcome: MergeOutcome = { segmentsMerged: 0, bytesRead: 0, complete: true };
  const segments = log.segments();
  for (const run of mergeableRuns(segments, maxBytes, endOffset)) {
    const before = segments[segments.indexOf(run[0]!) - 1];
    const result = await mergeRun(log, run, before?.maxTimestamp ?? -1, pacer, outcome);
    if (result === 'stopped') return { ...outcome, complete: false };
    if (result === 'merged') outcome.segmentsMerged += run.length - 1;
  }
  return outcome;
}

async function mergeRun(
  log: PartitionLog,
  run: readonly SegmentInfo[],
  maxTimestampBefore: number,
  pacer: PassPacer,
  outcome: MergeOutcome,
): Promise<'merged' | 'stopped' | 'changed'> {
  const writer = new CleanedSegmentWriter(cleanedPathOf(run[0]!.path), maxTimestampBefore);
  try {
    for (const segment of run) {
      if (!isLive(log, segment)) return giveUp(writer, 'changed');
      const chunks = new SegmentChunks(segment.path, segment.sizeBytes, pacer.sliceBytes);
      try {
        for (let batches = chunks.next(); batches !== null; batches = chunks.next()) {
          addBatches(writer, batches.data);
          outcome.bytesRead += batches.data.length;
          if (!(await pacer.advance(batches.data.length))) return giveUp(writer, 'stopped');
        }
      } finally {
        chunks.close();
      }
    }
    await pacer.offLoop(writer.finish());
  } catch (err) {
    writer.abandon();
    // Retention or a trim took a segment of the run while it was read: nothing to merge here.
    if (!run.every((segment) => isLive(log, segment))) return 'changed';
    throw err;
  }
  // Synchronous from this check to the swap: nothing can change the run in between.
  if (!pacer.wanted) return giveUp(writer, 'stopped');
  if (!run.every((segment) => isLive(log, segment))) return giveUp(writer, 'changed');
  // Recovery finds an unfinished swap by the first segment's size disagreeing with its row. Only
  // the first segment of a log can be empty (empty ones after it are deleted before merging), so
  // a copy of the first one's size would mean nothing was merged in: nothing to do.
  if (writer.sizeBytes === run[0]!.sizeBytes) return giveUp(writer, 'changed');
  const retired = run.map((segment) => retireLater(segment.path));
  try {
    log.replaceSegments(
      run.map((segment) => segment.baseOffset),
      writer.path,
      writer.rows,
    );
  } catch (err) {
    writer.abandon();
    throw err;
  } finally {
    for (const r of retired) r.release();
  }
  return 'merged';
}

/** Still a closed segment of `log` as it was when the run was chosen (retention and trims remove whole segments). */
function isLive(log: PartitionLog, segment: SegmentInfo): boolean {
  return log.segments().some((s) => !s.active && s.baseOffset === segment.baseOffset && s.sizeBytes === segment.sizeBytes);
}

function addBatches(writer: CleanedSegmentWriter, data: Buffer): void {
  for (let pos = 0; pos < data.length; ) {
    const size = batchSizeAt(data, pos);
    writer.add(data.subarray(pos, pos + size), readBaseOffset(data, pos), readMaxTimestamp(data, pos));
    pos += size;
  }
}

function giveUp<T>(writer: CleanedSegmentWriter, result: T): T {
  writer.abandon();
  return result;
}
