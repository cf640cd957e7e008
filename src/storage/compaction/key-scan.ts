// The first half of a compaction pass: read the partition from its log start to the log end seen
// when the pass began (closed segments and the active one, since a key written again in the
// active segment supersedes its records in the closed ones) and build LatestOffsets. On the way
// it notes, per segment, how many of its records were superseded and which tombstones it holds,
// so that the second half rewrites only segments where something changes.
import { CorruptBatchError } from '../../common/errors.js';
import { ATTRIBUTES_OFFSET, CONTROL_MASK, batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../../records/record-batch.js';
import { RecordCursor } from '../../records/record-cursor.js';
import type { PartitionLog, SegmentInfo } from '../partition-log.js';
import { LatestOffsets } from './latest-offsets.js';
import type { PassPacer } from './pass-pacer.js';

export interface SegmentStats {
  /** Records of this segment that a later record with the same key supersedes. */
  superseded: number;
  /** Holds a tombstone older than the horizon (removable unless something forbids it). */
  dueTombstones: boolean;
  /** The smallest timestamp of its tombstones not yet due; Infinity when none. */
  minPendingTombstoneMs: number;
}

export interface KeyScan {
  latest: LatestOffsets;
  /** Every record below it was seen; none at or past it (the log end, or where the map filled). */
  endOffset: number;
  /** One per segment of the snapshot the pass started from. */
  stats: SegmentStats[];
  /** Batches whose records could not be decoded (a codec spool cannot read): their keys are unknown. */
  unreadableBatches: number;
  bytesRead: number;
}

/**
 * Build the key map over `segments` (a snapshot from log.segments()) up to the end of the last
 * one. A tombstone is due when its timestamp is below `horizonMs`. Resolves to null when the
 * pacer says the pass is no longer wanted.
 */
export async function scanKeys(
  log: PartitionLog,
  segments: readonly SegmentInfo[],
  horizonMs: number,
  maxKeys: number,
  pacer: PassPacer,
): Promise<KeyScan | null> {
  const scanner = new KeyScanner(segments, horizonMs, maxKeys);
  const end = segments[segments.length - 1]!.nextOffset;
  let offset = segments[0]!.baseOffset;
  while (offset < end && scanner.endOffset === null) {
    offset = Math.max(offset, log.logStartOffset);
    if (offset >= end) break;
    const data = log.read(offset, pacer.sliceBytes);
    if (data.length === 0) break;
    offset = scanner.visit(data, offset, end);
    scanner.bytesRead += data.length;
    if (!(await pacer.advance(data.length))) return null;
  }
  return {
    latest: scanner.latest,
    endOffset: scanner.endOffset ?? end,
    stats: scanner.stats,
    unreadableBatches: scanner.unreadableBatches,
    bytesRead: scanner.bytesRead,
  };
}

class KeyScanner {
  readonly latest: LatestOffsets;
  readonly stats: SegmentStats[];
  /** Set when the map filled: the offset of the first record it could not take. */
  endOffset: number | null = null;
  unreadableBatches = 0;
  bytesRead = 0;
  readonly #bases: number[];
  readonly #horizonMs: number;
  readonly #cursor = new RecordCursor();
  /** Segment of the record being visited; records come in offset order. */
  #segment = 0;

  constructor(segments: readonly SegmentInfo[], horizonMs: number, maxKeys: number) {
    this.latest = new LatestOffsets(maxKeys);
    this.stats = segments.map(() => ({ superseded: 0, dueTombstones: false, minPendingTombstoneMs: Infinity }));
    this.#bases = segments.map((s) => s.baseOffset);
    this.#horizonMs = horizonMs;
  }

  /** Visit the batches of one read that asked for `from`; returns the offset to read next. */
  visit(data: Buffer, from: number, end: number): number {
    let next = from;
    for (let pos = 0; pos < data.length && this.endOffset === null; ) {
      const size = batchSizeAt(data, pos);
      const base = readBaseOffset(data, pos);
      if (base >= end) return end; // appended after the pass began
      if ((data.readInt16BE(pos + ATTRIBUTES_OFFSET) & CONTROL_MASK) === 0) this.#visitBatch(data, pos, size, from, end);
      next = Math.max(next, base + readLastOffsetDelta(data, pos) + 1);
      pos += size;
    }
    return next;
  }

  #visitBatch(data: Buffer, pos: number, size: number, from: number, end: number): void {
    const cursor = this.#cursor;
    try {
      cursor.open(data, pos, size);
      while (cursor.next()) {
        const offset = cursor.offset;
        // Records below `from` were seen by the read before, or lie below the log start.
        if (offset < from || offset >= end || cursor.keyLength < 0) continue;
        const key = LatestOffsets.keyOf(cursor.data, cursor.keyStart, cursor.keyLength);
        if (this.latest.full && this.latest.get(key) === undefined) {
          this.endOffset = offset;
          return;
        }
        const previous = this.latest.put(key, offset);
        if (previous !== undefined) this.stats[this.#segmentOf(previous)]!.superseded++;
        if (cursor.valueLength < 0) this.#tombstone(offset, cursor.timestamp);
      }
    } catch (err) {
      if (!(err instanceof CorruptBatchError)) throw err;
      this.unreadableBatches++;
    }
  }

  #tombstone(offset: number, timestampMs: number): void {
    while (this.#segment + 1 < this.#bases.length && offset >= this.#bases[this.#segment + 1]!) this.#segment++;
    const stats = this.stats[this.#segment]!;
    if (timestampMs < this.#horizonMs) stats.dueTombstones = true;
    else stats.minPendingTombstoneMs = Math.min(stats.minPendingTombstoneMs, timestampMs);
  }

  #segmentOf(offset: number): number {
    const bases = this.#bases;
    let lo = 0;
    let hi = bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bases[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
