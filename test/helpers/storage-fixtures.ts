// Shared helpers of the storage unit tests: a temp data directory per test with the LogManagers
// opened in it closed and the directory removed afterwards, record batches of N records built
// with the real encoder, and every record of a log read back the way a consumer does (whole
// batches from PartitionLog.read, records below the asked offset skipped, RecordCursor decoding).
// Damage helpers edit real files and the real index.db; nothing here mocks fs or SQLite.
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';
import { SpoolError } from '../../src/common/errors.js';
import { Compression, batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../../src/records/record-batch.js';
import { encodeRecordBatch } from '../../src/records/encode-batch.js';
import { RecordCursor } from '../../src/records/record-cursor.js';
import type { ConsumerRecord, ProducerRecord } from '../../src/records/record.js';
import { openDatabase, type SqliteDatabase } from '../../src/storage/database.js';
import { INDEX_DB_FILE, partitionDir } from '../../src/storage/file-names.js';
import { LogManager, type LogManagerOptions, type RecoveryLine } from '../../src/storage/log-manager.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';

export const BASE_TIMESTAMP = 1_700_000_000_000;

export function makeTempDir(prefix = 'spool-storage-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh empty directory per test of the calling describe, removed after the test. */
export function useTempDir(): { readonly path: string } {
  let path: string | null = null;
  beforeEach(() => {
    path = makeTempDir();
  });
  afterEach(() => {
    if (path !== null) rmSync(path, { recursive: true, force: true });
    path = null;
  });
  return {
    get path(): string {
      if (path === null) throw new Error('useTempDir used outside a test');
      return path;
    },
  };
}

/**
 * A fresh data directory per test of the enclosing describe. LogManagers opened through it are
 * closed after the test (unless the test closed them), then the directory is removed.
 */
export class StorageFixture {
  #dataDir: string | null = null;
  #open: LogManager[] = [];

  get dataDir(): string {
    if (this.#dataDir === null) throw new Error('StorageFixture used outside a test');
    return this.#dataDir;
  }

  setUp(): void {
    this.#dataDir = makeTempDir();
  }

  tearDown(): void {
    for (const logs of this.#open.splice(0)) {
      try {
        logs.close();
      } catch {
        // A manager the test already closed or abandoned mid-way; the directory goes anyway.
      }
    }
    if (this.#dataDir !== null) rmSync(this.#dataDir, { recursive: true, force: true });
    this.#dataDir = null;
  }

  /** LogManager.open on the fixture's data dir; closed at tear-down if the test does not. */
  open(options: Omit<LogManagerOptions, 'dataDir'> = {}): { logs: LogManager; recovered: RecoveryLine[] } {
    const opened = LogManager.open({ ...options, dataDir: this.dataDir });
    this.#open.push(opened.logs);
    return opened;
  }

  close(logs: LogManager): void {
    this.#open = this.#open.filter((l) => l !== logs);
    logs.close();
  }

  /** Open a manager with one topic of one partition and hand back that partition's log. */
  openTopic(topic = 't', configs: Record<string, string> = {}): { logs: LogManager; log: PartitionLog } {
    const { logs } = this.open();
    logs.createTopic(topic, 1, configs);
    return { logs, log: logs.partition(topic, 0) };
  }

  /** Close `logs`, reopen the data dir, and return the new manager, its recovery lines and the partition. */
  reopen(logs: LogManager | null, topic = 't'): { logs: LogManager; recovered: RecoveryLine[]; log: PartitionLog } {
    if (logs !== null) this.close(logs);
    const opened = this.open();
    return { ...opened, log: opened.logs.partition(topic, 0) };
  }

  partitionDir(topic = 't', partition = 0): string {
    return partitionDir(this.dataDir, topic, partition);
  }

  /** Full paths of the partition's segment files, in offset order. */
  segmentPaths(topic = 't', partition = 0): string[] {
    const dir = this.partitionDir(topic, partition);
    return readdirSync(dir)
      .filter((name) => name.endsWith('.log'))
      .sort()
      .map((name) => join(dir, name));
  }

  /** Edit index.db directly through its own connection, as something outside spool would. */
  editIndexDb<T>(edit: (db: SqliteDatabase) => T): T {
    const db = openDatabase(join(this.dataDir, INDEX_DB_FILE));
    try {
      return edit(db);
    } finally {
      db.close();
    }
  }
}

export interface IndexSnapshot {
  offsetRows: Array<{ offset: number; segmentBase: number; position: number }>;
  timeRows: Array<{ offset: number; timestamp: number }>;
  segmentRows: Array<{ baseOffset: number; nextOffset: number | null; sizeBytes: number | null; maxTimestamp: number | null }>;
}

/** Every offset_index, time_index and segments row of one partition, in offset order. */
export function indexSnapshot(db: SqliteDatabase, partitionId: number): IndexSnapshot {
  return {
    offsetRows: db
      .prepare('SELECT offset, segment_base AS segmentBase, position FROM offset_index WHERE partition_id = ? ORDER BY offset')
      .all(partitionId) as IndexSnapshot['offsetRows'],
    timeRows: db
      .prepare('SELECT offset, timestamp FROM time_index WHERE partition_id = ? ORDER BY offset')
      .all(partitionId) as IndexSnapshot['timeRows'],
    segmentRows: db
      .prepare(
        `SELECT base_offset AS baseOffset, next_offset AS nextOffset, size_bytes AS sizeBytes, max_timestamp AS maxTimestamp
         FROM segments WHERE partition_id = ? ORDER BY base_offset`,
      )
      .all(partitionId) as IndexSnapshot['segmentRows'],
  };
}

/** A StorageFixture set up before and torn down after every test of the calling describe. */
export function useStorageFixture(): StorageFixture {
  const fixture = new StorageFixture();
  beforeEach(() => fixture.setUp());
  afterEach(() => fixture.tearDown());
  return fixture;
}

export interface RecordOptions {
  /** Index of the first record, used in its key and value (`k<i>`, `v<i>`). */
  first?: number;
  /** Timestamp of the i-th record (i counted from `first`). */
  timestamp?: (i: number) => number;
  /** Pad every value to at least this many bytes. */
  valueBytes?: number;
}

export function makeRecords(count: number, options: RecordOptions = {}): ProducerRecord[] {
  const first = options.first ?? 0;
  const timestamp = options.timestamp ?? ((i: number) => BASE_TIMESTAMP + i);
  const records: ProducerRecord[] = [];
  for (let i = first; i < first + count; i++) {
    records.push({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`.padEnd(options.valueBytes ?? 0, '.')),
      headers: [],
      timestamp: timestamp(i),
    });
  }
  return records;
}

/** One RecordBatch v2 of `count` records, baseOffset 0 (the log stamps it). */
export function makeBatch(count: number, options: RecordOptions = {}, compression: Compression = Compression.None): Buffer {
  return encodeRecordBatch(makeRecords(count, options), compression);
}

/** One batch per entry of `counts`, record indexes running on from `first`. */
export function makeBatches(counts: readonly number[], options: RecordOptions = {}): Buffer[] {
  let first = options.first ?? 0;
  return counts.map((count) => {
    const batch = makeBatch(count, { ...options, first });
    first += count;
    return batch;
  });
}

/** Append each batch on its own; returns what append answered for each. */
export function appendAll(log: PartitionLog, batches: readonly Buffer[]): Array<{ baseOffset: number; lastOffset: number }> {
  return batches.map((batch) => log.append(batch));
}

export interface BatchInfo {
  position: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
}

/** The batches laid back to back in `data` (a read result or a whole segment file). */
export function batchesIn(data: Buffer): BatchInfo[] {
  const batches: BatchInfo[] = [];
  let pos = 0;
  while (pos < data.length) {
    const sizeBytes = batchSizeAt(data, pos);
    const baseOffset = readBaseOffset(data, pos);
    batches.push({ position: pos, sizeBytes, baseOffset, lastOffset: baseOffset + readLastOffsetDelta(data, pos) });
    pos += sizeBytes;
  }
  return batches;
}

/** Every record of the batches in `data`, including any below the offset that was asked for. */
export function recordsIn(data: Buffer): ConsumerRecord[] {
  const cursor = new RecordCursor();
  const records: ConsumerRecord[] = [];
  for (const batch of batchesIn(data)) {
    cursor.open(data, batch.position, batch.sizeBytes);
    while (cursor.next()) records.push(cursor.record());
  }
  return records;
}

/**
 * Read the log from `fromOffset` to its end as a consumer does: each read starts at the offset
 * after the last batch of the previous one, and records below the asked offset are skipped.
 */
export function readAll(log: PartitionLog, fromOffset = log.logStartOffset, maxBytes = 1 << 20): ConsumerRecord[] {
  const records: ConsumerRecord[] = [];
  let offset = fromOffset;
  for (let reads = 0; ; reads++) {
    if (reads > 1_000_000) throw new Error('readAll does not advance');
    const data = log.read(offset, maxBytes);
    if (data.length === 0) return records;
    for (const record of recordsIn(data)) if (record.offset >= offset) records.push(record);
    const batches = batchesIn(data);
    offset = batches[batches.length - 1]!.lastOffset + 1;
  }
}

export function valuesOf(records: readonly ConsumerRecord[]): string[] {
  return records.map((r) => r.value?.toString('utf8').replace(/\.+$/, '') ?? '<null>');
}

export function offsetsOf(records: readonly ConsumerRecord[]): number[] {
  return records.map((r) => r.offset);
}

/** 0, 1, ..., n - 1. */
export function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

export function fileSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** XOR the byte at `position` with 0xff, as bit rot would. */
export function flipByte(path: string, position: number): void {
  const fd = openSync(path, 'r+');
  try {
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, position);
    one[0] = one[0]! ^ 0xff;
    writeSync(fd, one, 0, 1, position);
  } finally {
    closeSync(fd);
  }
}

/** Overwrite bytes at `position`. */
export function writeAt(path: string, position: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, position);
  } finally {
    closeSync(fd);
  }
}

/** Append `bytes` at the end of the file. */
export function appendBytes(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/** Bytes that are no batch: a pattern that never decodes to a sane header. */
export function garbage(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 37 + 11) & 0xff;
  return bytes;
}

/** The batch layout of a segment file, read straight from disk. */
export function batchesInFile(path: string): BatchInfo[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const data = Buffer.alloc(size);
    readSync(fd, data, 0, size, 0);
    return batchesIn(data);
  } finally {
    closeSync(fd);
  }
}

/** The file URL of a compiled module under dist/src, for scripts run in a child process. */
export function distModuleUrl(pathUnderSrc: string): string {
  return new URL(`../../src/${pathUnderSrc}`, import.meta.url).href;
}

export interface ScriptRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Write `source` to `<dir>/<name>` and run it with node in a child process. With `fileSizeLimitBytes`
 * the child runs under `prlimit --fsize`, with SIGXFSZ ignored so that a write past the limit fails
 * with EFBIG instead of killing the process.
 */
export function runNodeScript(dir: string, name: string, source: string, fileSizeLimitBytes?: number): ScriptRun {
  const path = join(dir, name);
  writeFileSync(path, source);
  const command =
    fileSizeLimitBytes === undefined
      ? `exec node ${JSON.stringify(path)}`
      : `trap "" XFSZ; exec prlimit --fsize=${fileSizeLimitBytes} node ${JSON.stringify(path)}`;
  const run = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

/** `fn` throws a SpoolError carrying the protocol error `code`. */
export function assertSpoolError(fn: () => unknown, code: number): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SpoolError, `expected a SpoolError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}
