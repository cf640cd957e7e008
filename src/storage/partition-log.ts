// PartitionLog: the segments of one partition. Appends go to the last (active) segment and roll
// to a new one past segment.bytes or segment.ms; reads return whole stored batches starting with
// the one that holds the wanted offset. open() recovers: the files are the truth and the index
// rows are trimmed or rebuilt to match them (see recover-partition.ts).
//
// Single-threaded: every method runs on the broker's event loop, one at a time.
import { renameSync, rm, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BufferPool } from '../common/buffer-pool.js';
import { ensureDir } from '../common/ensure-dir.js';
import { OffsetOutOfRangeError, StorageWriteError, errorMessage } from '../common/errors.js';
import type { TopicConfig } from '../common/topic-config.js';
import { batchSizeAt } from '../records/record-batch.js';
import { RecordCursor } from '../records/record-cursor.js';
import type { OffsetIndex } from './offset-index.js';
import { ProducerStateManager } from './producer-state-manager.js';
import type { ProducerStateLimits, ProducerStateTable } from './producer-state.js';
import { removeSnapshotsAfter } from './producer-snapshot.js';
import { recoverSegments, type RecoveryReport } from './recover-partition.js';
import { SegmentReads, type SegmentRange } from './segment-reads.js';
import { firstRecordAtOrAfter, type TimedOffset } from './time-search.js';
import { Segment, fsyncDirectory } from './segment.js';
import { stampBatches, type IndexRow } from './stamp-batches.js';

export interface PartitionLogOptions {
  dir: string;
  partitionId: number;
  index: OffsetIndex;
  logStartOffset: number;
  config: () => TopicConfig;
  now: () => number;
  /** Store a new log start offset (partitions row); runs inside `transaction`. */
  saveLogStart: (offset: number) => void;
  transaction: <T>(fn: () => T) => T;
  /** fsync directory entries of new segments (--fsync always). */
  syncDirectories?: boolean;
  /** Expiration and size bounds of the idempotent-producer state (defaults: Kafka's). */
  producerLimits?: Partial<ProducerStateLimits>;
  /** Told when a producer-state snapshot could not be written (it only makes a rebuild longer). */
  onSnapshotError?: (err: Error) => void;
}

/** What retention and compaction need to know of a segment. */
export interface SegmentInfo {
  baseOffset: number;
  nextOffset: number;
  sizeBytes: number;
  /** Largest record timestamp in this segment and all before it; -1 when none. */
  maxTimestamp: number;
  path: string;
  active: boolean;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

/** The state of the active segment before an append, to undo it if the append fails. */
interface UndoPoint {
  segmentCount: number;
  sizeBytes: number;
  nextOffset: number;
  maxTimestamp: number;
  firstAppendMs: number | null;
  bytesSinceIndex: number;
}

export class PartitionLog {
  readonly dir: string;
  readonly partitionId: number;
  readonly recovery: RecoveryReport;
  readonly #index: OffsetIndex;
  readonly #config: () => TopicConfig;
  readonly #now: () => number;
  readonly #saveLogStart: (offset: number) => void;
  readonly #transaction: <T>(fn: () => T) => T;
  readonly #syncDirectories: boolean;
  readonly #segments: Segment[];
  #logStartOffset: number;
  #bytesSinceIndex: number;
  readonly #reads: SegmentReads;
  /** Set when a failed append could not be undone: appends are refused until a reopen recovers. */
  #failure: StorageWriteError | null = null;
  readonly #producers: ProducerStateManager;
  readonly #onSnapshotError: (err: Error) => void;

  private constructor(options: PartitionLogOptions, segments: Segment[], recovery: RecoveryReport) {
    this.dir = options.dir;
    this.partitionId = options.partitionId;
    this.#index = options.index;
    this.#config = options.config;
    this.#now = options.now;
    this.#saveLogStart = options.saveLogStart;
    this.#transaction = options.transaction;
    this.#syncDirectories = options.syncDirectories ?? false;
    this.#segments = segments;
    this.#reads = new SegmentReads(segments, options.index, options.partitionId);
    this.recovery = recovery;
    this.#logStartOffset = Math.max(options.logStartOffset, segments[0]!.baseOffset);
    this.#bytesSinceIndex = recovery.bytesSinceIndex;
    // segment.ms counts from the first append this process saw; after a restart, from the open.
    const active = this.#active;
    if (active.sizeBytes > 0) active.firstAppendMs = this.#now();
    // Recovery may have cut the tail: a snapshot past the end describes batches that are gone.
    removeSnapshotsAfter(this.dir, this.nextOffset);
    this.#producers = new ProducerStateManager(this.dir, this, options.now, options.producerLimits);
    this.#onSnapshotError = options.onSnapshotError ?? (() => {});
  }

  static open(options: PartitionLogOptions): PartitionLog {
    const created = ensureDir(options.dir);
    // --fsync always: the topic and partition directories must survive a power loss as well as
    // the segment file inside them.
    if (options.syncDirectories === true) for (const dir of created) fsyncDirectory(dirname(dir));
    const { segments, report } = recoverSegments(options.dir, options.partitionId, options.index, options.logStartOffset);
    return new PartitionLog(options, segments, report);
  }

  get logStartOffset(): number {
    return this.#logStartOffset;
  }

  /** The log end offset: the offset the next appended record gets. */
  get nextOffset(): number {
    return this.#active.nextOffset;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.#segments) total += s.sizeBytes;
    return total;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  /** Largest record timestamp in the log, -1 when empty. */
  get maxTimestamp(): number {
    return this.#active.maxTimestamp;
  }

  /**
   * The partition's idempotent-producer state, rebuilt from a snapshot and the batch headers
   * after it on first use (producer-state-manager.ts). The caller checks a batch against it
   * before append() and records the outcome after.
   */
  producerState(): ProducerStateTable {
    return this.#producers.table();
  }

  get producerStateManager(): ProducerStateManager {
    return this.#producers;
  }

  get #active(): Segment {
    return this.#segments[this.#segments.length - 1]!;
  }

  /**
   * Append `data`: one or more whole batches, already validated. Stamps their base offsets in
   * place, writes them, and indexes them. Throws StorageWriteError with nothing kept on failure;
   * if even undoing the failed append fails, every later append throws until a reopen recovers.
   */
  append(data: Buffer): AppendResult {
    if (this.#failure !== null) throw this.#failure;
    const baseOffset = this.nextOffset;
    const undo = this.#undoPoint();
    try {
      let pos = 0;
      while (pos < data.length) {
        const end = this.#appendablePrefix(data, pos);
        this.#appendToActive(data.subarray(pos, end));
        pos = end;
      }
    } catch (err) {
      // An append of several batches may have written some (into segments it rolled past) before
      // one failed: take them back too, or a producer told "failed" would find them served.
      this.#rollBack(undo);
      throw err;
    }
    return { baseOffset, lastOffset: this.nextOffset - 1 };
  }

  #undoPoint(): UndoPoint {
    const active = this.#active;
    return {
      segmentCount: this.#segments.length,
      sizeBytes: active.sizeBytes,
      nextOffset: active.nextOffset,
      maxTimestamp: active.maxTimestamp,
      firstAppendMs: active.firstAppendMs,
      bytesSinceIndex: this.#bytesSinceIndex,
    };
  }

  /** Put the log back where `undo` was: drop segments rolled since, cut the old active one back. */
  #rollBack(undo: UndoPoint): void {
    const segment = this.#segments[undo.segmentCount - 1]!;
    const rolled = this.#segments.length > undo.segmentCount;
    this.#bytesSinceIndex = undo.bytesSinceIndex;
    if (!rolled && segment.sizeBytes === undo.sizeBytes) return;
    this.#reads.forgetHint();
    try {
      for (const added of this.#segments.splice(undo.segmentCount)) {
        added.close();
        rmSync(added.path, { force: true });
        this.#index.dropSegment(this.partitionId, added.baseOffset, Number.MAX_SAFE_INTEGER);
      }
      if (rolled) this.#index.segmentForget(this.partitionId, segment.baseOffset);
      this.#index.truncateSegment(this.partitionId, segment.baseOffset, undo.sizeBytes, undo.nextOffset);
      if (segment.sizeBytes !== undo.sizeBytes) segment.truncate(undo.sizeBytes);
    } catch (err) {
      this.#failure = new StorageWriteError(
        `${this.dir}: a failed append could not be undone (${errorMessage(err)}); appends resume after a restart recovers the partition`,
        { cause: err },
      );
    }
    segment.sizeBytes = undo.sizeBytes;
    segment.nextOffset = undo.nextOffset;
    segment.maxTimestamp = undo.maxTimestamp;
    segment.firstAppendMs = undo.firstAppendMs;
  }

  /** The end of the run of batches from `pos` that go into the active segment (rolling first if due). */
  #appendablePrefix(data: Buffer, pos: number): number {
    const { segmentBytes, segmentMs } = this.#config();
    const active = this.#active;
    const first = batchSizeAt(data, pos);
    const aged = active.firstAppendMs !== null && this.#now() - active.firstAppendMs >= segmentMs;
    if (active.sizeBytes > 0 && (active.sizeBytes + first > segmentBytes || aged)) this.roll();
    let size = this.#active.sizeBytes + first;
    let end = pos + first;
    while (end < data.length) {
      const next = batchSizeAt(data, end);
      if (size + next > segmentBytes) break;
      size += next;
      end += next;
    }
    return end;
  }

  #appendToActive(batches: Buffer): void {
    const segment = this.#active;
    const run = stampBatches(batches, {
      position: segment.sizeBytes,
      offset: segment.nextOffset,
      maxTimestamp: segment.maxTimestamp,
      bytesSinceIndex: this.#bytesSinceIndex,
    });
    segment.append(batches);
    segment.nextOffset = run.nextOffset;
    segment.maxTimestamp = run.maxTimestamp;
    segment.firstAppendMs ??= this.#now();
    this.#bytesSinceIndex = run.bytesSinceIndex;
    for (const row of run.rows) this.#index.add(this.partitionId, segment.baseOffset, row.offset, row.position, row.maxBefore);
  }

  /**
   * Close the active segment and start a new one at the log end offset. The closed segment is
   * fsynced on the thread pool: an fsync of up to segment.bytes on the event loop would stall
   * every producer and consumer for its duration.
   */
  roll(): void {
    const old = this.#active;
    if (old.sizeBytes === 0) return;
    old.flushInBackground();
    this.#index.segmentSave(this.partitionId, old);
    this.#segments.push(Segment.create(this.dir, old.nextOffset, old.maxTimestamp, this.#syncDirectories));
    this.#bytesSinceIndex = 0;
    if (!this.#reads.isReading(old)) old.close();
    this.#snapshotProducers();
  }

  /** A producer-state snapshot at the log end, if the state is in memory (see producer-snapshot.ts). */
  #snapshotProducers(): void {
    const err = this.#producers.snapshot(this.nextOffset);
    if (err !== null) this.#onSnapshotError(err);
  }

  /**
   * Whole batches from the one holding `offset`, up to about `maxBytes` (always at least one
   * batch, however large). Empty at the log end; OffsetOutOfRangeError outside the log. With a
   * pool the bytes are read into its memory, for the caller to give back once they are sent.
   */
  read(offset: number, maxBytes: number, pool: BufferPool | null = null): Buffer {
    if (offset < this.#logStartOffset || offset > this.nextOffset) {
      throw new OffsetOutOfRangeError(offset, this.#logStartOffset, this.nextOffset);
    }
    return this.#reads.read(offset, maxBytes, pool);
  }

  /**
   * Where about `maxBytes` of batches from the one holding `offset` on lie in its segment, for a
   * client on this machine to read itself, when that is at least `minBytes`; null when it is less
   * (or at the log end). OffsetOutOfRangeError outside the log, as read().
   */
  locate(offset: number, minBytes: number, maxBytes: number): SegmentRange | null {
    if (offset < this.#logStartOffset || offset > this.nextOffset) {
      throw new OffsetOutOfRangeError(offset, this.#logStartOffset, this.nextOffset);
    }
    return this.#reads.locate(offset, minBytes, maxBytes);
  }

  /** The first offset whose record timestamp is >= `timestamp`, or null when there is none. */
  offsetForTimestamp(timestamp: number): number | null {
    return this.recordForTimestamp(timestamp)?.offset ?? null;
  }

  /** The first record whose timestamp is >= `timestamp` (offset and timestamp), or null. */
  recordForTimestamp(timestamp: number): TimedOffset | null {
    const row = this.#index.lastBeforeTimestamp(this.partitionId, timestamp);
    const from = Math.max(row?.offset ?? this.#logStartOffset, this.#logStartOffset);
    return firstRecordAtOrAfter(this, from, timestamp);
  }

  /** Timestamp of the first record at the log start, or null when the log is empty. */
  firstTimestamp(): number | null {
    if (this.#logStartOffset >= this.nextOffset) return null;
    const data = this.read(this.#logStartOffset, 1);
    if (data.length === 0) return null;
    const cursor = new RecordCursor();
    cursor.open(data, 0, batchSizeAt(data, 0));
    while (cursor.next()) if (cursor.offset >= this.#logStartOffset) return cursor.timestamp;
    return null;
  }

  segments(): SegmentInfo[] {
    const last = this.#segments.length - 1;
    return this.#segments.map((s, i) => ({
      baseOffset: s.baseOffset,
      nextOffset: s.nextOffset,
      sizeBytes: s.sizeBytes,
      maxTimestamp: s.maxTimestamp,
      path: s.path,
      active: i === last,
    }));
  }

  /** Roll the active segment when it is older than segment.ms, so its data can expire. */
  rollIfAged(): boolean {
    const active = this.#active;
    if (active.sizeBytes === 0 || active.firstAppendMs === null) return false;
    if (this.#now() - active.firstAppendMs < this.#config().segmentMs) return false;
    this.roll();
    return true;
  }

  /**
   * Raise the log start offset to `offset` (retention, `topic trim`): the records below it are
   * gone for readers at once; closed segments wholly below it are deleted. The new start and the
   * removal of those segments' index rows are one SQLite transaction; the files go after it
   * commits (a crash in between leaves files recovery finds below the start and drops again).
   * Returns the number of segments deleted.
   */
  advanceLogStart(offset: number): number {
    const target = Math.min(Math.max(offset, this.#logStartOffset), this.nextOffset);
    const doomed: Segment[] = [];
    for (let i = 0; i < this.#segments.length - 1 && this.#segments[i]!.nextOffset <= target; i++) doomed.push(this.#segments[i]!);
    if (target === this.#logStartOffset && doomed.length === 0) return 0;
    this.#transaction(() => {
      this.#saveLogStart(target);
      for (const s of doomed) this.#index.dropSegment(this.partitionId, s.baseOffset, s.nextOffset);
    });
    this.#logStartOffset = target;
    this.#segments.splice(0, doomed.length);
    for (const s of doomed) {
      this.#reads.forget(s);
      s.close();
      // Off the event loop: freeing a big file's pages can take tens of milliseconds.
      rm(s.path, { force: true }, () => {});
    }
    return doomed.length;
  }

  /**
   * Delete the closed segments compaction left without a batch, except the first (whose base is
   * where the log starts): a read of an offset in their range goes on at the next segment, as at
   * any gap compaction leaves. The rows go first; a crash before a file is removed leaves an
   * empty file, which recovery takes back as an empty segment for the next pass to drop.
   */
  dropEmptySegments(): number {
    const empty = this.#segments.filter((s, i) => i > 0 && s !== this.#active && s.sizeBytes === 0);
    if (empty.length === 0) return 0;
    this.#transaction(() => {
      for (const s of empty) this.#index.dropSegment(this.partitionId, s.baseOffset, s.nextOffset);
    });
    for (const s of empty) {
      this.#segments.splice(this.#segments.indexOf(s), 1);
      this.#reads.forget(s);
      s.close();
      rmSync(s.path, { force: true }); // an empty file: nothing to free, so no need to go off the loop
    }
    return empty.length;
  }

  /** Delete the oldest closed segment (retention); false when only the active one is left. */
  deleteOldestSegment(): boolean {
    const next = this.#segments[1];
    return next !== undefined && this.advanceLogStart(Math.max(this.#logStartOffset, next.baseOffset)) > 0;
  }

  /**
   * Put a compacted copy of the closed segments at `bases` (neighbours, oldest first; usually one)
   * in their place: `cleanedPath` holds their kept batches, fsynced, offsets preserved. The copy
   * is renamed over the first (atomic: the old file or the new one, never a mix), the others'
   * files are removed oldest first, then the index rows follow. Recovery trusts the files: the
   * copy is scanned only up to the next file left (a crash in between keeps each batch once) and
   * its rows are rebuilt.
   */
  replaceSegments(bases: readonly number[], cleanedPath: string, rows: readonly IndexRow[]): void {
    const first = this.#segments.findIndex((s) => s.baseOffset === bases[0]);
    const group = first < 0 ? [] : this.#segments.slice(first, first + bases.length);
    if (group.length === 0 || group.length !== bases.length || group.some((s, i) => s.baseOffset !== bases[i] || s === this.#active)) {
      throw new RangeError(`no closed segments at ${bases.join(', ')}`);
    }
    const head = group[0]!;
    const last = group[group.length - 1]!;
    renameSync(cleanedPath, head.path);
    for (const segment of group) {
      this.#reads.forget(segment);
      segment.close();
    }
    for (const merged of group.slice(1)) rmSync(merged.path, { force: true });
    this.#segments.splice(first + 1, group.length - 1);
    head.sizeBytes = statSync(head.path).size;
    head.nextOffset = last.nextOffset;
    head.maxTimestamp = last.maxTimestamp;
    this.#transaction(() => {
      for (const merged of group.slice(1)) this.#index.dropSegment(this.partitionId, merged.baseOffset, merged.nextOffset);
      this.#index.dropSegmentRows(this.partitionId, head.baseOffset, head.nextOffset);
      for (const row of rows) this.#index.add(this.partitionId, head.baseOffset, row.offset, row.position, row.maxBefore);
      this.#index.segmentSave(this.partitionId, head);
    });
  }

  /** fsync the active segment if it has unsynced writes; true when it had. */
  flush(): boolean {
    return this.#active.flush();
  }

  /** fsync the active segment on the thread pool (see Segment.flushInBackground). */
  flushInBackground(onSynced?: (ms: number) => void): void {
    this.#active.flushInBackground(onSynced);
  }

  close(): void {
    if (this.#failure === null) this.#snapshotProducers();
    for (const segment of this.#segments) segment.close();
  }
}
