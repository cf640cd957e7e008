// SegmentReads: reading whole batches out of a partition's segments, from the batch that holds
// an offset on. A floor lookup in the offset index finds where to start; a hint remembers where
// the last read ended, so a consumer reading on needs no lookup at all. At most one closed
// segment keeps its descriptor open for reading (the active one always has one).
import type { BufferPool } from '../common/buffer-pool.js';
import { CorruptBatchError } from '../common/errors.js';
import { BATCH_HEADER_SIZE, batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../records/record-batch.js';
import type { IndexEntry, OffsetIndex } from './offset-index.js';
import type { Segment } from './segment.js';

const EMPTY = Buffer.alloc(0);

/** Guesses at an indexed batch start within a range's max bytes before giving up on a range. */
const BOUNDARY_GUESSES = 4;

/** Whole batches of a segment file, [position, end), the last ending before `endOffset`. */
export interface SegmentRange {
  path: string;
  /** Tells the file apart from one later renamed over `path` (compaction). */
  inode: number;
  position: number;
  end: number;
  endOffset: number;
}

export class SegmentReads {
  /** The partition's segments, oldest first (the PartitionLog's own array, kept up to date there). */
  readonly #segments: Segment[];
  readonly #index: OffsetIndex;
  readonly #partitionId: number;
  #hint: { offset: number; segment: Segment; position: number } | null = null;
  #openReader: Segment | null = null;

  constructor(segments: Segment[], index: OffsetIndex, partitionId: number) {
    this.#segments = segments;
    this.#index = index;
    this.#partitionId = partitionId;
  }

  /**
   * Batches from the one holding `offset` (already checked to be inside the log), read into
   * `pool`'s memory when one is given (the caller gives it back when done).
   */
  read(offset: number, maxBytes: number, pool: BufferPool | null = null): Buffer {
    let segmentIndex = this.#segmentIndexFor(offset);
    while (segmentIndex < this.#segments.length) {
      const segment = this.#segments[segmentIndex]!;
      if (offset < segment.nextOffset) {
        const data = this.#readSegment(segment, offset, maxBytes, pool);
        if (data.length > 0) return data;
      }
      // The offset lies past this segment's last batch (a gap left by compaction): go on.
      segmentIndex++;
      const following = this.#segments[segmentIndex];
      if (following !== undefined) offset = Math.max(offset, following.baseOffset);
    }
    return EMPTY;
  }

  /**
   * Where the batches from the one holding `offset` (inside the log) on lie in its segment: to
   * the segment's end, or to an indexed batch boundary at most `maxBytes` on; null when that is
   * less than `minBytes` (or no such boundary is found: the caller then reads). Nothing is read:
   * the range starts at the hint or at the index's floor, at most an index interval before the
   * batch, and the reader skips the records before `offset`, as in any fetch.
   */
  locate(offset: number, minBytes: number, maxBytes: number): SegmentRange | null {
    for (let i = this.#segmentIndexFor(offset); i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      // An offset past this segment's last batch (a gap left by compaction) is read from the next.
      if (offset >= segment.nextOffset) continue;
      const start = this.#startOf(segment, offset);
      let end: IndexEntry = { offset: segment.nextOffset, position: segment.sizeBytes };
      if (end.position - start.position > maxBytes) {
        const boundary = this.#boundaryWithin(segment, start, start.position + maxBytes);
        if (boundary === null) return null;
        end = boundary;
      }
      if (end.position - start.position < minBytes) return null;
      this.#useReader(segment);
      this.#hint = { offset: end.offset, segment, position: end.position };
      return { path: segment.path, inode: segment.inode, position: start.position, end: end.position, endOffset: end.offset };
    }
    return null;
  }

  /**
   * An indexed batch start in `segment` after `start` and at most at `limit`. Its offset is
   * guessed from the segment's bytes per offset and the guess corrected a few times, each a lookup
   * by offset (the index has no lookup by position).
   */
  #boundaryWithin(segment: Segment, start: IndexEntry, limit: number): IndexEntry | null {
    const bytesPerOffset = segment.sizeBytes / Math.max(1, segment.nextOffset - segment.baseOffset);
    let span = Math.max(1, Math.floor((limit - start.position) / bytesPerOffset));
    for (let tries = 0; tries < BOUNDARY_GUESSES; tries++) {
      const row = this.#index.floor(this.#partitionId, segment.baseOffset, start.offset + span);
      if (row === undefined || row.position <= start.position) return null;
      if (row.position <= limit) return row;
      span = Math.max(1, Math.floor((span * (limit - start.position)) / (row.position - start.position)));
    }
    return null;
  }

  /** Whether `segment` is the closed segment kept open for reading. */
  isReading(segment: Segment): boolean {
    return this.#openReader === segment;
  }

  /** Forget everything that refers to `segment` (deleted, or replaced by compaction). */
  forget(segment: Segment): void {
    if (this.#openReader === segment) this.#openReader = null;
    if (this.#hint?.segment === segment) this.#hint = null;
  }

  /** The segments changed under the hint (a failed append was taken back). */
  forgetHint(): void {
    this.#hint = null;
  }

  #readSegment(segment: Segment, offset: number, maxBytes: number, pool: BufferPool | null): Buffer {
    let position = this.#startOf(segment, offset).position;
    this.#useReader(segment);
    for (;;) {
      const chunk = segment.read(position, Math.max(maxBytes, 4096), pool);
      if (chunk.length === 0) return EMPTY;
      let pos = 0;
      let start = -1;
      let end = 0;
      let endOffset = offset;
      while (pos + 12 <= chunk.length) {
        const size = batchSizeAt(chunk, pos);
        if (size < BATCH_HEADER_SIZE) throw corruptLength(segment, position + pos, size, offset);
        if (pos + size > chunk.length) break;
        const lastOffset = readBaseOffset(chunk, pos) + readLastOffsetDelta(chunk, pos);
        if (start < 0 && lastOffset >= offset) start = pos;
        if (start >= 0 && pos > start && pos + size - start > maxBytes) break;
        pos += size;
        if (start >= 0) {
          end = pos;
          endOffset = lastOffset + 1;
        }
      }
      if (start >= 0) {
        this.#hint = { offset: endOffset, segment, position: position + end };
        return chunk.subarray(start, end);
      }
      const firstSize = batchSizeAt(chunk, 0);
      pool?.give(chunk); // nothing of it is returned
      if (pos === 0) {
        // The first batch is larger than what was read: read exactly that batch.
        const size = firstSize;
        if (position + size > segment.sizeBytes) throw corruptLength(segment, position, size, offset);
        const whole = segment.read(position, size, pool);
        const lastOffset = readBaseOffset(whole, 0) + readLastOffsetDelta(whole, 0);
        if (lastOffset >= offset) {
          this.#hint = { offset: lastOffset + 1, segment, position: position + size };
          return whole;
        }
        pool?.give(whole);
        position += size;
      } else {
        position += pos;
      }
    }
  }

  /** Where a read of `offset` in `segment` starts (and an offset at or below the batch there): where the last read ended, or the index's floor. */
  #startOf(segment: Segment, offset: number): IndexEntry {
    const hint = this.#hint;
    if (hint !== null && hint.segment === segment && hint.offset === offset) return hint;
    return this.#index.floor(this.#partitionId, segment.baseOffset, offset) ?? { offset: segment.baseOffset, position: 0 };
  }

  /** Keep at most one closed segment's descriptor open for reading. */
  #useReader(segment: Segment): void {
    const active = this.#segments[this.#segments.length - 1];
    if (segment === active || segment === this.#openReader) return;
    if (this.#openReader !== null && this.#openReader !== active) this.#openReader.close();
    this.#openReader = segment;
  }

  #segmentIndexFor(offset: number): number {
    const segments = this.#segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/**
 * A length field in a part of a segment recovery did not scan (a closed segment it trusted, or the
 * active segment before its last index row) that no batch can have: refuse it rather than loop
 * forever or serve bytes past the end of the segment.
 */
function corruptLength(segment: Segment, position: number, size: number, offset: number): CorruptBatchError {
  return new CorruptBatchError(
    `${segment.path}: the batch at position ${position} claims ${size} bytes, which cannot be (reading offset ${offset}); run spool verify`,
  );
}
