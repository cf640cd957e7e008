// OffsetIndex and TimeIndex rows of every partition, and the segments table, in index.db. The
// rows are derived data: recovery deletes and rebuilds them from the segment files whenever they
// disagree. Rows are sparse, one per ~4 KiB of log (Kafka's index.interval.bytes) plus the first
// batch of every segment, so a floor lookup inside a segment always finds a row.
//
// With `bufferRows` (the broker's setting) new rows wait in memory and are written together, in
// one transaction, when enough have come, when flushPending() is called (the broker does every
// second), or before any other use of the tables. One row per commit would write pages to the WAL so often that SQLite's checkpoints
// (an fsync on the event loop) came every few seconds and stalled every client for milliseconds.
// Rows lost in a crash are rebuilt by recovery like any other missing row.
import type { Statement } from 'better-sqlite3';
import { transactionRunner, type SqliteDatabase, type TransactionRunner } from './database.js';

export const INDEX_INTERVAL_BYTES = 4096;

export interface IndexEntry {
  offset: number;
  position: number;
}

export interface TimeIndexEntry {
  offset: number;
  timestamp: number;
}

export interface SegmentRow {
  baseOffset: number;
  nextOffset: number | null;
  sizeBytes: number | null;
  maxTimestamp: number | null;
}

/** Rows held before a write is forced. */
const MAX_PENDING_ROWS = 512;
/** Rows kept for another try while writes fail (a full disk); older ones are let go. */
const MAX_RETAINED_ROWS = 100_000;

interface PendingRow {
  partitionId: number;
  segmentBase: number;
  offset: number;
  position: number;
  maxTimestampBefore: number;
}

export class OffsetIndex {
  readonly #inTransaction: TransactionRunner;
  readonly #maxPendingRows: number;
  #pending: PendingRow[] = [];
  readonly #offsetInsert: Statement<[number, number, number, number]>;
  readonly #offsetFloorBySegment: Statement<[number, number, number]>;
  readonly #offsetLastBySegment: Statement<[number, number]>;
  readonly #offsetDeleteFromPosition: Statement<[number, number, number]>;
  readonly #offsetDeleteRange: Statement<[number, number, number]>;
  readonly #offsetDeleteByPartition: Statement<[number]>;
  readonly #timeInsert: Statement<[number, number, number]>;
  readonly #timeLastBelow: Statement<[number, number]>;
  readonly #timeFloorByOffset: Statement<[number, number]>;
  readonly #timeDeleteRange: Statement<[number, number, number]>;
  readonly #timeDeleteByPartition: Statement<[number]>;
  readonly #segmentSelectByPartition: Statement<[number]>;
  readonly #segmentUpsert: Statement<[number, number, number | null, number | null, number | null]>;
  readonly #segmentDelete: Statement<[number, number]>;
  readonly #segmentDeleteByPartition: Statement<[number]>;

  constructor(db: SqliteDatabase, options: { bufferRows?: boolean } = {}) {
    this.#inTransaction = transactionRunner(db);
    this.#maxPendingRows = options.bufferRows ? MAX_PENDING_ROWS : 1;
    this.#offsetInsert = db.prepare(
      'INSERT OR REPLACE INTO offset_index (partition_id, offset, segment_base, position) VALUES (?, ?, ?, ?)',
    );
    this.#offsetFloorBySegment = db.prepare(
      `SELECT offset, position FROM offset_index
       WHERE partition_id = ? AND offset >= ? AND offset <= ? ORDER BY offset DESC LIMIT 1`,
    );
    this.#offsetLastBySegment = db.prepare(
      'SELECT offset, position FROM offset_index WHERE partition_id = ? AND segment_base = ? ORDER BY offset DESC LIMIT 1',
    );
    this.#offsetDeleteFromPosition = db.prepare(
      'DELETE FROM offset_index WHERE partition_id = ? AND segment_base = ? AND position >= ?',
    );
    this.#offsetDeleteRange = db.prepare('DELETE FROM offset_index WHERE partition_id = ? AND offset >= ? AND offset < ?');
    this.#offsetDeleteByPartition = db.prepare('DELETE FROM offset_index WHERE partition_id = ?');
    this.#timeInsert = db.prepare('INSERT OR REPLACE INTO time_index (partition_id, offset, timestamp) VALUES (?, ?, ?)');
    this.#timeLastBelow = db.prepare(
      `SELECT offset, timestamp FROM time_index
       WHERE partition_id = ? AND timestamp < ? ORDER BY timestamp DESC, offset DESC LIMIT 1`,
    );
    this.#timeFloorByOffset = db.prepare(
      'SELECT offset, timestamp FROM time_index WHERE partition_id = ? AND offset <= ? ORDER BY offset DESC LIMIT 1',
    );
    this.#timeDeleteRange = db.prepare('DELETE FROM time_index WHERE partition_id = ? AND offset >= ? AND offset < ?');
    this.#timeDeleteByPartition = db.prepare('DELETE FROM time_index WHERE partition_id = ?');
    this.#segmentSelectByPartition = db.prepare(
      `SELECT base_offset AS baseOffset, next_offset AS nextOffset, size_bytes AS sizeBytes, max_timestamp AS maxTimestamp
       FROM segments WHERE partition_id = ? ORDER BY base_offset`,
    );
    this.#segmentUpsert = db.prepare(
      `INSERT INTO segments (partition_id, base_offset, next_offset, size_bytes, max_timestamp) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (partition_id, base_offset) DO UPDATE SET
         next_offset = excluded.next_offset, size_bytes = excluded.size_bytes, max_timestamp = excluded.max_timestamp`,
    );
    this.#segmentDelete = db.prepare('DELETE FROM segments WHERE partition_id = ? AND base_offset = ?');
    this.#segmentDeleteByPartition = db.prepare('DELETE FROM segments WHERE partition_id = ?');
  }

  /** Index the batch starting at `offset`, `position` bytes into segment `segmentBase`. */
  add(partitionId: number, segmentBase: number, offset: number, position: number, maxTimestampBefore: number): void {
    this.#pending.push({ partitionId, segmentBase, offset, position, maxTimestampBefore });
    if (this.#pending.length >= this.#maxPendingRows) this.flushPending();
  }

  /**
   * Write the rows held in memory, in one transaction. When that fails (a full disk), the rows
   * stay for the next try and the caller goes on: they are hints, and a lookup without them only
   * starts its scan further back. Returns the error, if any, for the broker to log.
   */
  flushPending(): Error | null {
    if (this.#pending.length === 0) return null;
    const rows = this.#pending;
    this.#pending = [];
    try {
      this.#inTransaction(() => {
        for (const r of rows) {
          this.#offsetInsert.run(r.partitionId, r.offset, r.segmentBase, r.position);
          this.#timeInsert.run(r.partitionId, r.offset, r.maxTimestampBefore);
        }
      });
      return null;
    } catch (err) {
      this.#pending = rows.concat(this.#pending).slice(-MAX_RETAINED_ROWS);
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** The last indexed batch at or below `offset` inside the segment starting at `segmentBase`. */
  floor(partitionId: number, segmentBase: number, offset: number): IndexEntry | undefined {
    this.flushPending();
    return this.#offsetFloorBySegment.get(partitionId, segmentBase, offset) as IndexEntry | undefined;
  }

  lastInSegment(partitionId: number, segmentBase: number): IndexEntry | undefined {
    this.flushPending();
    return this.#offsetLastBySegment.get(partitionId, segmentBase) as IndexEntry | undefined;
  }

  /** The time index row with the largest offset whose "max timestamp before" is below `timestamp`. */
  lastBeforeTimestamp(partitionId: number, timestamp: number): TimeIndexEntry | undefined {
    this.flushPending();
    return this.#timeLastBelow.get(partitionId, timestamp) as TimeIndexEntry | undefined;
  }

  timeFloor(partitionId: number, offset: number): TimeIndexEntry | undefined {
    this.flushPending();
    return this.#timeFloorByOffset.get(partitionId, offset) as TimeIndexEntry | undefined;
  }

  /**
   * Drop rows of one segment at or past `position` (recovery truncated the file there) and every
   * row for the offsets [nextOffset, endOffset) it no longer holds. `endOffset` is the next
   * segment's base offset for a closed segment, so the rows of the segments after it stay.
   */
  truncateSegment(
    partitionId: number,
    segmentBase: number,
    position: number,
    nextOffset: number,
    endOffset: number = Number.MAX_SAFE_INTEGER,
  ): void {
    this.flushPending();
    this.#offsetDeleteFromPosition.run(partitionId, segmentBase, position);
    this.#offsetDeleteRange.run(partitionId, nextOffset, endOffset);
    this.#timeDeleteRange.run(partitionId, nextOffset, endOffset);
  }

  /**
   * Drop the index rows of the offsets [segmentBase, endOffset) of a segment (gone or rebuilt).
   * By offset range, the primary key: segment_base has no index, and a delete by it would scan
   * every row of the partition (a stall on every retention delete).
   */
  dropSegmentRows(partitionId: number, segmentBase: number, endOffset: number): void {
    this.flushPending();
    this.#offsetDeleteRange.run(partitionId, segmentBase, endOffset);
    this.#timeDeleteRange.run(partitionId, segmentBase, endOffset);
  }

  /** Forget a segment entirely: its stats row and its index rows. */
  dropSegment(partitionId: number, segmentBase: number, endOffset: number): void {
    this.dropSegmentRows(partitionId, segmentBase, endOffset);
    this.#segmentDelete.run(partitionId, segmentBase);
  }

  dropPartition(partitionId: number): void {
    this.flushPending();
    this.#offsetDeleteByPartition.run(partitionId);
    this.#timeDeleteByPartition.run(partitionId);
    this.#segmentDeleteByPartition.run(partitionId);
  }

  segments(partitionId: number): SegmentRow[] {
    this.flushPending();
    return this.#segmentSelectByPartition.all(partitionId) as SegmentRow[];
  }

  /** Forget a segment's stats row and keep its index rows (it is the active segment again). */
  segmentForget(partitionId: number, segmentBase: number): void {
    this.flushPending();
    this.#segmentDelete.run(partitionId, segmentBase);
  }

  segmentSave(partitionId: number, row: SegmentRow): void {
    this.flushPending();
    this.#segmentUpsert.run(partitionId, row.baseOffset, row.nextOffset, row.sizeBytes, row.maxTimestamp);
  }
}
