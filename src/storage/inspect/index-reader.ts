// IndexReader: index.db opened for reading only, by `spool verify` and `spool dump`, with or
// without a broker running. It never writes, never migrates and never creates a file:
// - while index.db-wal and index.db-shm exist (a broker has the database open, or was killed),
//   it opens the file read-only (better-sqlite3 `readonly`, `fileMustExist`) and reads committed
//   data through the WAL like any other reader;
// - otherwise (the last connection closed cleanly and checkpointed everything into the main
//   file) it reads index.db into memory and opens that copy, because a read-only connection to a
//   WAL database would create the -wal and -shm files in the data directory.
// Each partition is read in one read transaction (a consistent snapshot), before its segment
// files are looked at: the broker writes segment bytes before the index rows that point at them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { SpoolError, errorMessage } from '../../common/errors.js';
import { openDatabase, transactionRunner, type SqliteDatabase, type TransactionRunner } from '../database.js';
import { INDEX_DB_FILE } from '../file-names.js';
import type { SegmentRow, TimeIndexEntry } from '../offset-index.js';

/** Migrations 001-004 made every table read here. */
const REQUIRED_SCHEMA_VERSION = 4;
/** Bytes 18 and 19 of the SQLite header: file format versions, 2 for WAL, 1 for rollback journal. */
const WRITE_VERSION_BYTE = 18;
const READ_VERSION_BYTE = 19;

export interface TopicInfo {
  id: number;
  name: string;
  /** cleanup.policy as set on the topic; compaction leaves gaps and keeps old stats. */
  compacted: boolean;
}

export interface PartitionInfo {
  id: number;
  partition: number;
  logStartOffset: number;
}

export interface OffsetIndexRow {
  offset: number;
  segmentBase: number;
  position: number;
}

/** Everything index.db says about one partition, read in one transaction. */
export interface PartitionSnapshot {
  logStartOffset: number;
  /** By base offset. */
  segments: SegmentRow[];
  /** By offset. */
  offsetRows: OffsetIndexRow[];
  /** By offset. */
  timeRows: TimeIndexEntry[];
}

export class IndexReader {
  readonly dataDir: string;
  readonly #db: SqliteDatabase;
  readonly #inTransaction: TransactionRunner;
  readonly #topicSelectAll: Statement<[]>;
  readonly #configSelectCleanupPolicy: Statement<[number]>;
  readonly #partitionSelectByTopic: Statement<[number]>;
  readonly #partitionSelectById: Statement<[number]>;
  readonly #segmentSelectByPartition: Statement<[number]>;
  readonly #offsetIndexSelectByPartition: Statement<[number]>;
  readonly #timeIndexSelectByPartition: Statement<[number]>;

  private constructor(dataDir: string, db: SqliteDatabase) {
    this.dataDir = dataDir;
    this.#db = db;
    this.#inTransaction = transactionRunner(db);
    this.#topicSelectAll = db.prepare('SELECT id, name FROM topics ORDER BY name');
    this.#configSelectCleanupPolicy = db.prepare("SELECT value FROM topic_configs WHERE topic_id = ? AND key = 'cleanup.policy'");
    this.#partitionSelectByTopic = db.prepare(
      'SELECT id, partition, log_start_offset AS logStartOffset FROM partitions WHERE topic_id = ? ORDER BY partition',
    );
    this.#partitionSelectById = db.prepare('SELECT log_start_offset AS logStartOffset FROM partitions WHERE id = ?');
    this.#segmentSelectByPartition = db.prepare(
      `SELECT base_offset AS baseOffset, next_offset AS nextOffset, size_bytes AS sizeBytes, max_timestamp AS maxTimestamp
       FROM segments WHERE partition_id = ? ORDER BY base_offset`,
    );
    this.#offsetIndexSelectByPartition = db.prepare(
      'SELECT offset, segment_base AS segmentBase, position FROM offset_index WHERE partition_id = ? ORDER BY offset',
    );
    this.#timeIndexSelectByPartition = db.prepare('SELECT offset, timestamp FROM time_index WHERE partition_id = ? ORDER BY offset');
  }

  /**
   * Open the index of `dataDir` for reading. Throws a SpoolError (exit 1) saying "no spool data in
   * DIR" when the directory or its index.db does not exist.
   */
  static open(dataDir: string): IndexReader {
    const path = join(dataDir, INDEX_DB_FILE);
    if (!existsSync(path) || !statSync(path).isFile()) throw new SpoolError(`no spool data in ${dataDir}`);
    let db: SqliteDatabase;
    try {
      db = existsSync(`${path}-wal`) && existsSync(`${path}-shm`) ? openDatabase(path, { readonly: true }) : openCopy(path);
    } catch (err) {
      throw new SpoolError(`cannot read ${path}: ${errorMessage(err)}`, { cause: err });
    }
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version === 0) throw new SpoolError(`no spool data in ${dataDir}`);
      if (version < REQUIRED_SCHEMA_VERSION) {
        throw new SpoolError(`${path} has schema version ${version}, older than this spool reads; start the broker once to update it`);
      }
      return new IndexReader(dataDir, db);
    } catch (err) {
      db.close();
      if (err instanceof SpoolError) throw err;
      throw new SpoolError(`cannot read ${path}: ${errorMessage(err)}`, { cause: err });
    }
  }

  topics(): TopicInfo[] {
    const rows = this.#topicSelectAll.all() as Array<{ id: number; name: string }>;
    return rows.map((row) => ({ ...row, compacted: this.#isCompacted(row.id) }));
  }

  topic(name: string): TopicInfo | undefined {
    return this.topics().find((t) => t.name === name);
  }

  partitions(topicId: number): PartitionInfo[] {
    return this.#partitionSelectByTopic.all(topicId) as PartitionInfo[];
  }

  /** The partition's rows as of one moment, or null when the partition is gone (topic deleted). */
  snapshot(partitionId: number): PartitionSnapshot | null {
    return this.#inTransaction((): PartitionSnapshot | null => {
      const partition = this.#partitionSelectById.get(partitionId) as { logStartOffset: number } | undefined;
      if (partition === undefined) return null;
      return {
        logStartOffset: partition.logStartOffset,
        segments: this.#segmentSelectByPartition.all(partitionId) as SegmentRow[],
        offsetRows: this.#offsetIndexSelectByPartition.all(partitionId) as OffsetIndexRow[],
        timeRows: this.#timeIndexSelectByPartition.all(partitionId) as TimeIndexEntry[],
      };
    });
  }

  /** Changes whenever another connection (the broker) commits; constant for an in-memory copy. */
  dataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    this.#db.close();
  }

  #isCompacted(topicId: number): boolean {
    const row = this.#configSelectCleanupPolicy.get(topicId) as { value: string } | undefined;
    return row?.value.includes('compact') ?? false;
  }
}

/**
 * index.db read into memory and opened from there. The copy is marked as a rollback-journal
 * database (header bytes 18-19), since SQLite cannot open an in-memory database in WAL mode.
 */
function openCopy(path: string): SqliteDatabase {
  const bytes = readFileSync(path);
  if (bytes.length > READ_VERSION_BYTE && bytes[WRITE_VERSION_BYTE] === 2 && bytes[READ_VERSION_BYTE] === 2) {
    bytes[WRITE_VERSION_BYTE] = 1;
    bytes[READ_VERSION_BYTE] = 1;
  }
  return new Database(bytes, { readonly: true });
}
