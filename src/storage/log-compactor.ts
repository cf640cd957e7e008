// Log compaction (cleanup.policy compact): a pass keeps the latest record per key in the closed
// segments of a partition, preserving offsets (a batch keeps its base offset and offset span, so
// consumers see gaps), and drops a tombstone (null value) once its timestamp is more than
// delete.retention.ms old. The active segment is read (its records supersede older ones) but
// never rewritten, so the log end offset never moves.
//
// A pass: (1) key-scan.ts builds key -> latest offset up to the log end seen at the start;
// (2) each closed segment with something to remove, oldest first, is copied to
// `<base>.log.cleaned` with the kept records (encode-records.ts), fdatasynced, renamed over the
// original and its index rows replaced (PartitionLog.replaceSegments). A crash before the rename
// leaves the original (recovery deletes the copy), after it the new file (recovery rescans a file
// whose size disagrees with its segments row). Oldest first matters: an older value of a key is
// always gone before the tombstone that deletes it is dropped; once a segment that should have
// changed is left as it was, the rest of the pass keeps every tombstone. (3) Closed segments left
// empty are deleted and runs of small neighbours merged (compaction/merge-segments.ts).
//
// Records without a key (a topic switched to compact after they were written) are kept as they
// are; so are control batches, and batches whose codec spool cannot decode (their keys are
// unknown, so while one exists no tombstone is dropped, lest an older value come back).
//
// Runs on the broker's event loop in slices (pass-pacer.ts); one pass per partition at a time.
// Appends, reads, retention and trims may run between slices: the segments rewritten are
// closed, and a segment deleted meanwhile is skipped.
import { CorruptBatchError } from '../common/errors.js';
import type { TopicConfig } from '../common/topic-config.js';
import { filterBatch } from '../records/encode-records.js';
import {
  ATTRIBUTES_OFFSET,
  CONTROL_MASK,
  batchSizeAt,
  readBaseOffset,
  readMaxTimestamp,
  readRecordCount,
} from '../records/record-batch.js';
import { RecordCursor } from '../records/record-cursor.js';
import { CleanedSegmentWriter } from './compaction/cleaned-segment.js';
import { scanKeys, type KeyScan } from './compaction/key-scan.js';
import { LatestOffsets } from './compaction/latest-offsets.js';
import { PassPacer } from './compaction/pass-pacer.js';
import { mergeSmallSegments } from './compaction/merge-segments.js';
import { SegmentChunks } from './compaction/segment-chunks.js';
import { cleanedPathOf, retireLater } from './compaction/swap-files.js';
import type { PartitionLog, SegmentInfo } from './partition-log.js';

export interface CompactionOptions {
  /** Give the event loop a turn after this many bytes read (default 256 KiB). */
  yieldEveryBytes?: number;
  /** Most distinct keys the pass holds (default 1,000,000, ~100 MB); a full map ends the key scan early. */
  maxKeys?: number;
  /** Aborted when the broker stops: the pass ends at its next slice, the original segments intact. */
  signal?: AbortSignal;
  /** False once `log` is no longer the partition's live log (its topic was deleted or recreated). */
  isCurrent?: () => boolean;
}

export interface CompactionReport {
  segmentsRewritten: number;
  /** Bytes of the closed segments the pass could clean, before and after it. */
  bytesBefore: number;
  bytesAfter: number;
  /** Records kept and removed in the segments rewritten. */
  recordsKept: number;
  recordsRemoved: number;
  /** Tombstones among the records removed (superseded or past delete.retention.ms). */
  tombstonesRemoved: number;
  durationMs: number;
  /** Bytes read by both halves of the pass. */
  bytesRead: number;
  /** Distinct keys seen. */
  keys: number;
  /** Records below this offset were judged: the active segment's base, or where the key map filled. */
  cleanableEndOffset: number;
  /** When a tombstone kept by this pass may be dropped (epoch ms), or null when none is waiting. */
  tombstoneDueMs: number | null;
  /** Closed segments left without a batch and deleted (never the first). */
  segmentsDropped: number;
  /** Closed segments merged into the one before them (compaction/merge-segments.ts). */
  segmentsMerged: number;
  /** False when the pass stopped early (broker stopping, partition gone). */
  complete: boolean;
}

export const DEFAULT_MAX_KEYS = 1_000_000;
const DEFAULT_YIELD_EVERY_BYTES = 256 * 1024;

/** One compaction pass over `log` with `config`; `now` is the wall clock (ms) tombstones are judged by. */
export async function compactPartition(
  log: PartitionLog,
  config: TopicConfig,
  now: number,
  options: CompactionOptions = {},
): Promise<CompactionReport> {
  const started = performance.now();
  const segments = log.segments();
  const report = emptyReport(segments[segments.length - 1]!.baseOffset);
  const pacer = new PassPacer({
    yieldEveryBytes: options.yieldEveryBytes ?? DEFAULT_YIELD_EVERY_BYTES,
    signal: options.signal,
    isCurrent: options.isCurrent,
  });
  const finish = (complete: boolean): CompactionReport => {
    report.complete = complete;
    report.durationMs = performance.now() - started;
    return report;
  };
  if (segments.length < 2) return finish(true);
  const horizonMs = now - config.deleteRetentionMs;
  const scan = await scanKeys(log, segments, horizonMs, options.maxKeys ?? DEFAULT_MAX_KEYS, pacer);
  if (scan === null) return finish(false);
  report.bytesRead = scan.bytesRead;
  report.keys = scan.latest.size;
  report.cleanableEndOffset = Math.min(report.cleanableEndOffset, scan.endOffset);
  const cleaner = new SegmentCleaner(log, scan, horizonMs, report, pacer);
  let pendingTombstoneMs = Infinity;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    if (segment.nextOffset > report.cleanableEndOffset) break;
    if (segment.nextOffset <= log.logStartOffset) continue; // retention took it meanwhile
    report.bytesBefore += segment.sizeBytes;
    report.bytesAfter += segment.sizeBytes;
    const stats = scan.stats[i]!;
    if (stats.superseded === 0 && !(cleaner.tombstonesRemovable && stats.dueTombstones)) {
      pendingTombstoneMs = Math.min(pendingTombstoneMs, stats.minPendingTombstoneMs);
      continue;
    }
    const outcome = await cleaner.clean(segment, segments[i - 1]?.maxTimestamp ?? -1);
    if (outcome === 'stopped') return finish(false);
    if (outcome === 'unchanged') cleaner.holdTombstones();
    if (typeof outcome === 'object') pendingTombstoneMs = Math.min(pendingTombstoneMs, outcome.pendingTombstoneMs);
    else if (outcome === 'unchanged') pendingTombstoneMs = Math.min(pendingTombstoneMs, stats.minPendingTombstoneMs);
  }
  if (cleaner.tombstonesRemovable && pendingTombstoneMs !== Infinity) {
    report.tombstoneDueMs = pendingTombstoneMs + config.deleteRetentionMs + 1;
  }
  if (options.signal?.aborted === true || options.isCurrent?.() === false) return finish(false);
  report.segmentsDropped = log.dropEmptySegments();
  const merge = await mergeSmallSegments(log, config.segmentBytes, report.cleanableEndOffset, pacer);
  report.segmentsMerged = merge.segmentsMerged;
  report.bytesRead += merge.bytesRead;
  return finish(merge.complete);
}

function emptyReport(cleanableEndOffset: number): CompactionReport {
  return {
    segmentsRewritten: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    recordsKept: 0,
    recordsRemoved: 0,
    tombstonesRemoved: 0,
    durationMs: 0,
    bytesRead: 0,
    keys: 0,
    cleanableEndOffset,
    tombstoneDueMs: null,
    segmentsDropped: 0,
    segmentsMerged: 0,
    complete: false,
  };
}

/**
 * What became of one segment: 'stopped' (the pass must end), 'gone' (deleted meanwhile),
 * 'unchanged' (left as it was although something could go: the copy came out the same size, see
 * #swap), or rewritten, with the smallest timestamp of the tombstones it kept.
 */
type CleanOutcome = 'stopped' | 'gone' | 'unchanged' | { pendingTombstoneMs: number };

/** The second half of a pass: rewrites one closed segment at a time. */
class SegmentCleaner {
  readonly #log: PartitionLog;
  readonly #latest: LatestOffsets;
  readonly #horizonMs: number;
  readonly #report: CompactionReport;
  readonly #pacer: PassPacer;
  readonly #cursor = new RecordCursor();
  readonly #keep: (cursor: RecordCursor) => boolean;
  /** Records of the segment being cleaned: those in it, those removed, tombstones among them. */
  #records = 0;
  #removed = 0;
  #tombstonesRemoved = 0;
  #pendingTombstoneMs = Infinity;
  #tombstonesRemovable: boolean;

  constructor(log: PartitionLog, scan: KeyScan, horizonMs: number, report: CompactionReport, pacer: PassPacer) {
    this.#log = log;
    this.#latest = scan.latest;
    this.#horizonMs = horizonMs;
    this.#report = report;
    this.#pacer = pacer;
    this.#tombstonesRemovable = scan.unreadableBatches === 0;
    this.#keep = (cursor) => this.#keepRecord(cursor);
  }

  async clean(segment: SegmentInfo, maxTimestampBefore: number): Promise<CleanOutcome> {
    let chunks: SegmentChunks;
    try {
      chunks = new SegmentChunks(segment.path, segment.sizeBytes, this.#pacer.sliceBytes);
    } catch (err) {
      if (!this.#pacer.wanted) return 'stopped';
      if (this.#gone(segment)) return 'gone';
      throw err;
    }
    let writer: CleanedSegmentWriter | null = null;
    try {
      writer = new CleanedSegmentWriter(cleanedPathOf(segment.path), maxTimestampBefore);
      this.#records = 0;
      this.#removed = 0;
      this.#tombstonesRemoved = 0;
      this.#pendingTombstoneMs = Infinity;
      for (let run = chunks.next(); run !== null; run = chunks.next()) {
        this.#filterRun(run.data, writer);
        this.#report.bytesRead += run.data.length;
        if (!(await this.#pacer.advance(run.data.length))) return this.#giveUp(writer, 'stopped');
        if (this.#gone(segment)) return this.#giveUp(writer, 'gone');
      }
      await this.#pacer.offLoop(writer.finish());
    } catch (err) {
      writer?.abandon();
      throw err;
    } finally {
      chunks.close();
    }
    return this.#swap(segment, writer);
  }

  get tombstonesRemovable(): boolean {
    return this.#tombstonesRemovable;
  }

  /** Keep every tombstone from here on: an older value of its key may still be in a segment left as it was. */
  holdTombstones(): void {
    this.#tombstonesRemovable = false;
  }

  #filterRun(data: Buffer, writer: CleanedSegmentWriter): void {
    for (let pos = 0; pos < data.length; ) {
      const size = batchSizeAt(data, pos);
      const baseOffset = readBaseOffset(data, pos);
      const maxTimestamp = readMaxTimestamp(data, pos);
      const count = readRecordCount(data, pos);
      const removedBefore = this.#removed;
      const tombstonesBefore = this.#tombstonesRemoved;
      this.#records += count;
      let out = data.subarray(pos, pos + size);
      if ((data.readInt16BE(pos + ATTRIBUTES_OFFSET) & CONTROL_MASK) === 0) {
        try {
          const filtered = filterBatch(this.#cursor, data, pos, size, this.#keep);
          if (filtered.kept === 'none') out = Buffer.alloc(0);
          else if (filtered.kept === 'some') out = filtered.batch;
        } catch (err) {
          if (!(err instanceof CorruptBatchError)) throw err;
          // Undecodable records stay as they are (tombstone removal is off, see the header).
          this.#removed = removedBefore;
          this.#tombstonesRemoved = tombstonesBefore;
        }
      }
      if (out.length > 0) writer.add(out, baseOffset, maxTimestamp);
      pos += size;
    }
  }

  #keepRecord(cursor: RecordCursor): boolean {
    if (cursor.keyLength < 0) return true;
    const latest = this.#latest.get(LatestOffsets.keyOf(cursor.data, cursor.keyStart, cursor.keyLength));
    const tombstone = cursor.valueLength < 0;
    if (latest === undefined || latest <= cursor.offset) {
      // The latest record of its key: kept, unless it is a tombstone past delete.retention.ms.
      if (!tombstone) return true;
      if (!this.#tombstonesRemovable || cursor.timestamp >= this.#horizonMs) {
        this.#pendingTombstoneMs = Math.min(this.#pendingTombstoneMs, cursor.timestamp);
        return true;
      }
    }
    this.#removed++;
    if (tombstone) this.#tombstonesRemoved++;
    return false;
  }

  /** Deleted meanwhile (retention, trim): segments only ever go from the front of the log. */
  #gone(segment: SegmentInfo): boolean {
    return segment.nextOffset <= this.#log.logStartOffset;
  }

  #giveUp(writer: CleanedSegmentWriter, outcome: 'stopped' | 'gone' | 'unchanged'): CleanOutcome {
    writer.abandon();
    return outcome;
  }

  /** Runs synchronously from the last check to the rename: nothing can slip in between. */
  #swap(segment: SegmentInfo, writer: CleanedSegmentWriter): CleanOutcome {
    if (!this.#pacer.wanted) return this.#giveUp(writer, 'stopped');
    const current = this.#log.segments().find((s) => s.baseOffset === segment.baseOffset);
    // Recovery trusts a segments row whose size matches the file; were a crash to come between
    // the rename and the index update with equal sizes, stale index rows would be trusted. Such
    // a copy (possible only when gzip recompression happens to land on the same size) is dropped.
    if (current === undefined) return this.#giveUp(writer, 'gone');
    if (current.active || writer.sizeBytes === segment.sizeBytes) return this.#giveUp(writer, 'unchanged');
    const retired = retireLater(segment.path);
    try {
      this.#log.replaceSegments([segment.baseOffset], writer.path, writer.rows);
    } catch (err) {
      writer.abandon(); // the rename failed (the copy is still there) or came before the error
      throw err;
    } finally {
      retired.release();
    }
    const report = this.#report;
    report.segmentsRewritten++;
    report.bytesAfter -= segment.sizeBytes - writer.sizeBytes;
    report.recordsKept += this.#records - this.#removed;
    report.recordsRemoved += this.#removed;
    report.tombstonesRemoved += this.#tombstonesRemoved;
    return { pendingTombstoneMs: this.#pendingTombstoneMs };
  }
}
