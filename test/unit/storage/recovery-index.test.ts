// Recovery when index.db and the segment files disagree: the files are the truth. Bogus index
// rows (past the end of the file, inside a batch, naming the wrong offset) are dropped without
// losing data, lost rows are rebuilt, closed segments whose recorded size or row no longer fits
// are rescanned, and rows of files that are gone are forgotten.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, rmSync, truncateSync } from 'node:fs';
import { basename } from 'node:path';
import { OffsetOutOfRangeError } from '../../../src/common/errors.js';
import { parseSegmentFileName } from '../../../src/storage/file-names.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import {
  appendAll,
  batchesIn,
  batchesInFile,
  fileSize,
  flipByte,
  garbage,
  indexSnapshot,
  makeBatch,
  makeBatches,
  offsetsOf,
  range,
  readAll,
  useStorageFixture,
  valuesOf,
  type IndexSnapshot,
} from '../../helpers/storage-fixtures.js';

const TS = (i: number): number => 10_000 + 10 * i;

/** Every offset reads its own batch and every record's timestamp finds it. */
function assertReadsAndSeeks(log: PartitionLog, offsets: readonly number[]): void {
  assert.deepEqual(offsetsOf(readAll(log)), offsets);
  for (const offset of offsets) {
    const [batch] = batchesIn(log.read(offset, 1));
    assert.ok(batch !== undefined && batch.baseOffset <= offset && offset <= batch.lastOffset, `read ${offset}`);
    assert.equal(log.offsetForTimestamp(TS(offset)), offset, `time of ${offset}`);
  }
}

function insertOffsetRow(db: { prepare(sql: string): { run(...args: number[]): unknown } }, row: number[]): void {
  db.prepare('INSERT OR REPLACE INTO offset_index (partition_id, offset, segment_base, position) VALUES (?, ?, ?, ?)').run(...row);
}

describe('storage > PartitionLog > recover the index', () => {
  const fixture = useStorageFixture();

  /** A closed log of `batchCount` batches of 2 records; its snapshot, files and partition id. */
  function closedLog(batchCount: number, configs: Record<string, string> = {}, valueBytes = 40) {
    const { logs, log } = fixture.openTopic('t', configs);
    appendAll(log, makeBatches(range(batchCount).map(() => 2), { valueBytes, timestamp: TS }));
    const snapshot: IndexSnapshot = indexSnapshot(logs.db, log.partitionId);
    const partitionId = log.partitionId;
    fixture.close(logs);
    return { snapshot, partitionId, paths: fixture.segmentPaths(), end: batchCount * 2 };
  }

  function reopenClean(snapshot: IndexSnapshot) {
    const opened = fixture.reopen(null);
    assert.deepEqual(opened.recovered, [], 'no data was cut');
    assert.deepEqual(indexSnapshot(opened.logs.db, opened.log.partitionId), snapshot, 'the index is as it was');
    return opened;
  }

  test('an index row pointing past the end of the file is dropped and nothing is lost', () => {
    const { snapshot, partitionId, paths, end } = closedLog(5);
    const size = fileSize(paths[0]!);
    fixture.editIndexDb((db) => insertOffsetRow(db, [partitionId, 6, 0, size + 500]));
    const { log } = reopenClean(snapshot);
    assertReadsAndSeeks(log, range(end));
    assert.deepEqual(log.append(makeBatch(1, { first: end, timestamp: TS })), { baseOffset: end, lastOffset: end });
  });

  test('an index row for an offset past the log end is dropped', () => {
    const { snapshot, partitionId, end } = closedLog(5);
    fixture.editIndexDb((db) => insertOffsetRow(db, [partitionId, 1000, 0, 12]));
    const { log } = reopenClean(snapshot);
    assert.equal(log.nextOffset, end);
  });

  test('an index row pointing inside a batch does not lose good data: the segment is rescanned', () => {
    const { snapshot, partitionId, paths, end } = closedLog(5);
    const batches = batchesInFile(paths[0]!);
    fixture.editIndexDb((db) => insertOffsetRow(db, [partitionId, 7, 0, batches[3]!.position + 30]));
    const { log } = reopenClean(snapshot);
    assert.equal(log.recovery.rebuiltSegments, 1);
    assertReadsAndSeeks(log, range(end));
  });

  test('an index row inside a batch of a large active segment does not lose good data', () => {
    const { snapshot, partitionId, paths, end } = closedLog(120, {}, 100);
    assert.ok(snapshot.offsetRows.length > 3);
    const batches = batchesInFile(paths[0]!);
    fixture.editIndexDb((db) => insertOffsetRow(db, [partitionId, end - 1, 0, batches.at(-1)!.position - 50]));
    const { log } = reopenClean(snapshot);
    assertReadsAndSeeks(log, range(end));
  });

  test('an index row naming the wrong offset for a batch is not trusted', () => {
    const { snapshot, partitionId, paths, end } = closedLog(5);
    const batches = batchesInFile(paths[0]!);
    // offset 5 is the second record of the batch at offsets 4-5, not the batch starting at 6
    fixture.editIndexDb((db) => insertOffsetRow(db, [partitionId, 5, 0, batches[3]!.position]));
    const { log } = reopenClean(snapshot);
    assertReadsAndSeeks(log, range(end));
  });

  test('index rows deleted entirely are rebuilt in every segment, and reads and seeks still work', () => {
    const { snapshot, end } = closedLog(60, { 'segment.bytes': '2048' }, 60);
    assert.ok(snapshot.segmentRows.length >= 3);
    fixture.editIndexDb((db) => db.exec('DELETE FROM offset_index; DELETE FROM time_index;'));
    const { log } = reopenClean(snapshot);
    assert.ok(log.recovery.rebuiltSegments >= 3);
    assertReadsAndSeeks(log, range(end));
  });

  test('a lost time index row does not lower the max timestamp recovery starts from', () => {
    // batch timestamps 1000, 9000, 2000: the row at the third batch says "max before = 9000"
    const { logs, log } = fixture.openTopic();
    const stamps = [1000, 9000, 2000];
    appendAll(log, stamps.map((ts, i) => makeBatch(1, { first: i, valueBytes: 5000, timestamp: () => ts })));
    const snapshot = indexSnapshot(logs.db, log.partitionId);
    assert.deepEqual(snapshot.timeRows, [{ offset: 0, timestamp: -1 }, { offset: 1, timestamp: 1000 }, { offset: 2, timestamp: 9000 }]);
    fixture.close(logs);
    fixture.editIndexDb((db) => db.prepare('DELETE FROM time_index WHERE offset = 2').run());
    const { log: reopened } = fixture.reopen(null);
    assert.equal(reopened.maxTimestamp, 9000);
    reopened.append(makeBatch(1, { first: 3, valueBytes: 5000, timestamp: () => 3000 }));
    assert.equal(reopened.offsetForTimestamp(5000), 1);
  });

  test('a closed segment cut inside a batch is cut back to its last whole batch and later segments stay', () => {
    const { paths, end } = closedLog(30, { 'segment.bytes': '1024' });
    assert.ok(paths.length >= 4);
    const victim = paths[1]!;
    const victimBatches = batchesInFile(victim);
    const last = victimBatches.at(-1)!;
    truncateSync(victim, last.position + 20);
    const { log, recovered } = fixture.reopen(null);
    assert.equal(recovered.length, 1);
    assert.ok(recovered[0]!.problems[0]!.includes(victim));
    assert.equal(fileSize(victim), last.position);
    const lost = range(last.lastOffset - last.baseOffset + 1, last.baseOffset);
    const kept = range(end).filter((o) => !lost.includes(o));
    assertReadsAndSeeks(log, kept);
    assert.equal(log.read(lost[0]!, 1).length > 0, true, 'an offset in the gap reads the next batch after it');
    assert.equal(batchesIn(log.read(lost[0]!, 1))[0]!.baseOffset, last.lastOffset + 1);
    const { log: again, recovered: second } = fixture.reopen(null);
    assert.deepEqual(second, [], 'the corrected segment row is trusted next time');
    assert.deepEqual(offsetsOf(readAll(again)), kept);
  });

  test('garbage appended to a closed segment is cut and nothing is lost', () => {
    const { snapshot, paths, end } = closedLog(30, { 'segment.bytes': '1024' });
    const size = fileSize(paths[0]!);
    appendFileSync(paths[0]!, garbage(100));
    const { log, recovered, logs } = fixture.reopen(null);
    assert.equal(recovered.length, 1);
    assert.equal(fileSize(paths[0]!), size);
    assert.equal(log.recovery.truncatedBytes, 100);
    assert.deepEqual(indexSnapshot(logs.db, log.partitionId), snapshot);
    assertReadsAndSeeks(log, range(end));
  });

  test('a rescanned closed segment refuses a batch whose offsets reach into the next segment', () => {
    const { paths, end } = closedLog(30, { 'segment.bytes': '1024' });
    const victim = paths[0]!;
    const last = batchesInFile(victim).at(-1)!;
    flipByte(victim, last.position + 7); // the low byte of the base offset, outside the CRC
    appendFileSync(victim, garbage(10)); // the size no longer matches, so the segment is rescanned
    const { log, recovered } = fixture.reopen(null);
    assert.equal(recovered.length, 1);
    assert.match(recovered[0]!.problems[0]!, /reach past the segment's end/);
    assert.equal(fileSize(victim), last.position);
    assertReadsAndSeeks(log, range(end).filter((o) => o < last.baseOffset || o > last.lastOffset));
  });

  test('a missing segments row for a closed segment is rebuilt from its file', () => {
    const { snapshot, partitionId, end } = closedLog(30, { 'segment.bytes': '1024' });
    const victim = snapshot.segmentRows[1]!.baseOffset;
    fixture.editIndexDb((db) => db.prepare('DELETE FROM segments WHERE partition_id = ? AND base_offset = ?').run(partitionId, victim));
    const { log } = reopenClean(snapshot);
    assertReadsAndSeeks(log, range(end));
  });

  test('a closed segment whose file is gone is forgotten with its index rows', () => {
    const { paths, end } = closedLog(30, { 'segment.bytes': '1024' });
    const secondBase = parseSegmentFileName(basename(paths[1]!))!;
    rmSync(paths[0]!);
    const { logs, log } = fixture.reopen(null);
    assert.equal(log.logStartOffset, secondBase);
    assert.throws(() => log.read(0, 1), OffsetOutOfRangeError);
    const rows = indexSnapshot(logs.db, log.partitionId);
    assert.ok(rows.offsetRows.every((r) => r.segmentBase >= secondBase && r.offset >= secondBase));
    assert.ok(rows.segmentRows.every((r) => r.baseOffset >= secondBase));
    assert.equal(log.offsetForTimestamp(0), secondBase);
    assertReadsAndSeeks(log, range(end - secondBase, secondBase));
  });

  test('a lost active segment file loses only its records and appends go on after the last closed segment', () => {
    const { paths } = closedLog(30, { 'segment.bytes': '1024' });
    const activeBase = parseSegmentFileName(basename(paths.at(-1)!))!;
    rmSync(paths.at(-1)!);
    const { log } = fixture.reopen(null);
    assert.equal(log.nextOffset, activeBase);
    appendAll(log, makeBatches(range(10).map(() => 2), { first: activeBase, valueBytes: 40, timestamp: TS }));
    assertReadsAndSeeks(log, range(activeBase + 20));
    assert.deepEqual(valuesOf(readAll(log)), range(activeBase + 20).map((i) => `v${i}`));
  });

  test('a partition whose files are all gone starts again without stale index rows', () => {
    const { paths, end, snapshot } = closedLog(150, { 'segment.bytes': '16384' }, 100);
    const activeBase = parseSegmentFileName(basename(paths.at(-1)!))!;
    assert.ok(snapshot.offsetRows.filter((r) => r.segmentBase === activeBase).length > 1, 'the active segment has several rows');
    for (const path of paths) rmSync(path);
    const { logs, log } = fixture.reopen(null);
    const start = log.nextOffset;
    assert.ok(start <= end);
    assert.equal(log.read(start, 1 << 20).length, 0);
    const rows = indexSnapshot(logs.db, log.partitionId);
    assert.deepEqual(rows, { offsetRows: [], timeRows: [], segmentRows: [] });
    appendAll(log, makeBatches(range(300).map(() => 1), { first: start, valueBytes: 10, timestamp: TS }));
    assertReadsAndSeeks(log, range(300, start));
  });
});
