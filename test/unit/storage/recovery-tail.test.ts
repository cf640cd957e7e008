// Recovery of a damaged tail, nats-style: close the LogManager, edit the real segment file (cut
// it mid-batch, append garbage or zeros, flip a byte), reopen, and check that the log was cut at
// the first bad batch, that `recovered` says so, that every good record is still there and that
// appends go on at the right offsets. Also: a dropped or SIGKILLed process, and a clean reopen.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, truncateSync } from 'node:fs';
import { BASE_OFFSET_OFFSET, BATCH_LENGTH_OFFSET, CRC_OFFSET, RECORDS_OFFSET } from '../../../src/records/record-batch.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import {
  appendAll,
  appendBytes,
  batchesInFile,
  distModuleUrl,
  fileSize,
  flipByte,
  garbage,
  indexSnapshot,
  makeBatch,
  makeBatches,
  offsetsOf,
  range,
  readAll,
  runNodeScript,
  useStorageFixture,
  valuesOf,
} from '../../helpers/storage-fixtures.js';

/** The log holds exactly records 0..n-1 (values v0..), and the next append gets offset n. */
function assertHoldsFirst(log: PartitionLog, n: number): void {
  assert.equal(log.nextOffset, n);
  assert.deepEqual(valuesOf(readAll(log)), range(n).map((i) => `v${i}`));
  assert.deepEqual(log.append(makeBatch(2, { first: n })), { baseOffset: n, lastOffset: n + 1 });
  assert.deepEqual(offsetsOf(readAll(log)), range(n + 2));
}

describe('storage > PartitionLog > recover a damaged tail', () => {
  const fixture = useStorageFixture();

  /** A closed one-partition log of batches of `counts` records; its one segment file and batches. */
  function closedLog(counts: number[], valueBytes = 20) {
    const { logs, log } = fixture.openTopic();
    appendAll(log, makeBatches(counts, { valueBytes }));
    fixture.close(logs);
    const [path] = fixture.segmentPaths();
    return { path: path!, batches: batchesInFile(path!) };
  }

  for (const kept of [1, BATCH_LENGTH_OFFSET + 3, RECORDS_OFFSET - 1, RECORDS_OFFSET, -1]) {
    const what = kept === -1 ? 'all but its last byte' : `${kept} bytes`;
    test(`a torn last batch (${what} written) is cut and appends go on after the batch before`, () => {
      const { path, batches } = closedLog([3, 2, 4]);
      const last = batches[2]!;
      const keptBytes = kept === -1 ? last.sizeBytes - 1 : kept;
      truncateSync(path, last.position + keptBytes);
      const { log, recovered } = fixture.reopen(null);
      assert.equal(recovered.length, 1);
      assert.deepEqual([recovered[0]!.topic, recovered[0]!.partition], ['t', 0]);
      assert.match(recovered[0]!.problems[0]!, /torn write|too few/);
      assert.ok(recovered[0]!.problems[0]!.includes(path), 'the problem names the file');
      assert.deepEqual(log.recovery.problems, recovered[0]!.problems);
      assert.equal(log.recovery.truncatedBytes, keptBytes);
      assert.equal(fileSize(path), last.position);
      assertHoldsFirst(log, 5);
    });
  }

  test('garbage after the last batch is cut and nothing else is lost', () => {
    const { path, batches } = closedLog([3, 2, 4]);
    const end = fileSize(path);
    appendBytes(path, garbage(500));
    const { log, recovered } = fixture.reopen(null);
    assert.equal(recovered.length, 1);
    assert.equal(log.recovery.truncatedBytes, 500);
    assert.equal(fileSize(path), end);
    assert.equal(batches.length, 3);
    assertHoldsFirst(log, 9);
  });

  test('a zero-filled tail, as a crash can leave behind, is cut', () => {
    const { path } = closedLog([3, 3]);
    appendBytes(path, Buffer.alloc(4096));
    const { log, recovered } = fixture.reopen(null);
    assert.match(recovered[0]!.problems[0]!, /impossible/);
    assert.equal(log.recovery.truncatedBytes, 4096);
    assertHoldsFirst(log, 6);
  });

  test('a flipped byte in the last batch fails its CRC and that batch is cut', () => {
    const { path, batches } = closedLog([3, 2, 4]);
    const last = batches[2]!;
    flipByte(path, last.position + RECORDS_OFFSET + 5);
    const { log, recovered } = fixture.reopen(null);
    assert.match(recovered[0]!.problems[0]!, /CRC-32C mismatch/);
    assert.match(recovered[0]!.problems[0]!, new RegExp(`position ${last.position}`));
    assert.equal(log.recovery.truncatedBytes, last.sizeBytes);
    assertHoldsFirst(log, 5);
  });

  test('a flipped CRC byte is caught like a flipped record byte', () => {
    const { path, batches } = closedLog([3, 2, 4]);
    flipByte(path, batches[2]!.position + CRC_OFFSET);
    const { log, recovered } = fixture.reopen(null);
    assert.match(recovered[0]!.problems[0]!, /CRC-32C mismatch/);
    assertHoldsFirst(log, 5);
  });

  test('a flipped byte in a batch in the middle of the active segment cuts the log there', () => {
    const { path, batches } = closedLog([2, 2, 2, 2, 2]);
    const bad = batches[2]!;
    flipByte(path, bad.position + RECORDS_OFFSET + 1);
    const { log, recovered } = fixture.reopen(null);
    assert.equal(recovered.length, 1);
    assert.match(recovered[0]!.problems[0]!, /CRC-32C mismatch/);
    assert.equal(fileSize(path), bad.position);
    assert.equal(log.recovery.truncatedBytes, batches.slice(2).reduce((sum, b) => sum + b.sizeBytes, 0));
    assertHoldsFirst(log, 4);
  });

  test('a changed length field in the middle of the active segment cuts the log there', () => {
    const { path, batches } = closedLog([2, 2, 2, 2]);
    flipByte(path, batches[1]!.position + BATCH_LENGTH_OFFSET + 3);
    const { log, recovered } = fixture.reopen(null);
    assert.equal(recovered.length, 1);
    assert.equal(fileSize(path), batches[1]!.position);
    assertHoldsFirst(log, 2);
  });

  for (const byte of [0, 2, 7]) {
    test(`a flipped byte ${byte} of the last batch's base offset (outside the CRC) is cut, not trusted`, () => {
      const { path, batches } = closedLog([3, 2, 4]);
      flipByte(path, batches[2]!.position + BASE_OFFSET_OFFSET + byte);
      const { log, recovered } = fixture.reopen(null);
      assert.equal(recovered.length, 1);
      assert.equal(fileSize(path), batches[2]!.position);
      assertHoldsFirst(log, 5);
    });
  }

  test('a log dropped without close() reopens with every appended record (the WAL holds the rows)', () => {
    const { logs, log } = fixture.openTopic('t', { 'segment.bytes': '2048' });
    appendAll(log, makeBatches(range(40).map(() => 2), { valueBytes: 60 }));
    const before = indexSnapshot(logs.db, log.partitionId);
    assert.ok(log.segmentCount > 2);
    // no close(): no checkpoint, no fsync; the old connection stays open as after a crash
    const { logs: again, log: reopened, recovered } = fixture.reopen(null);
    assert.deepEqual(recovered, []);
    assert.deepEqual(reopened.recovery.problems, []);
    assert.deepEqual(indexSnapshot(again.db, reopened.partitionId), before);
    assertHoldsFirst(reopened, 80);
  });

  test('a process killed with SIGKILL right after its appends loses no acknowledged record', () => {
    const script = `
      import { writeSync } from 'node:fs';
      import { LogManager } from ${JSON.stringify(distModuleUrl('storage/log-manager.js'))};
      import { encodeRecordBatch } from ${JSON.stringify(distModuleUrl('records/encode-batch.js'))};
      const { logs } = LogManager.open({ dataDir: ${JSON.stringify(fixture.dataDir)} });
      logs.createTopic('t', 1, { 'segment.bytes': '2048' });
      const log = logs.partition('t', 0);
      for (let b = 0; b < 25; b++) {
        const records = [0, 1, 2].map((j) => ({
          key: null, value: Buffer.from('v' + (3 * b + j) + '.'.repeat(40)), headers: [], timestamp: 1000 + 3 * b + j,
        }));
        const ack = log.append(encodeRecordBatch(records));
        writeSync(1, JSON.stringify(ack) + '\\n');
      }
      process.kill(process.pid, 'SIGKILL');
    `;
    const run = runNodeScript(fixture.dataDir, 'kill.mjs', script);
    assert.equal(run.signal, 'SIGKILL', run.stderr);
    const acks = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { baseOffset: number; lastOffset: number });
    assert.equal(acks.length, 25);
    assert.deepEqual(acks.at(-1), { baseOffset: 72, lastOffset: 74 });
    const { log, recovered } = fixture.reopen(null);
    assert.deepEqual(recovered, []);
    assert.equal(log.offsetForTimestamp(1050), 50);
    assertHoldsFirst(log, 75);
  });

  test('reopening a clean log changes nothing and reports nothing', () => {
    const { logs, log } = fixture.openTopic('t', { 'segment.bytes': '4096' });
    logs.createTopic('big', 1, {});
    logs.createTopic('empty', 2, {});
    appendAll(log, makeBatches(range(40).map(() => 3), { valueBytes: 50 }));
    appendAll(logs.partition('big', 0), makeBatches(range(200).map(() => 3), { valueBytes: 50 }));
    const files = [...fixture.segmentPaths(), ...fixture.segmentPaths('big')].map((p) => readFileSync(p));
    const ids = [log.partitionId, logs.partition('big', 0).partitionId];
    const before = ids.map((id) => indexSnapshot(logs.db, id));
    assert.ok(before[1]!.offsetRows.length > 5, 'the big active segment has many index rows');
    for (let round = 0; round < 2; round++) {
      const { logs: again, recovered } = fixture.reopen(round === 0 ? logs : null);
      assert.deepEqual(recovered, []);
      for (const [topic, partition] of [['t', 0], ['big', 0], ['empty', 0], ['empty', 1]] as const) {
        const { recovery } = again.partition(topic, partition);
        assert.deepEqual(recovery, { truncatedBytes: 0, problems: [], rebuiltSegments: 0, bytesSinceIndex: recovery.bytesSinceIndex });
      }
      assert.deepEqual([...fixture.segmentPaths(), ...fixture.segmentPaths('big')].map((p) => readFileSync(p)), files);
      assert.deepEqual(ids.map((id) => indexSnapshot(again.db, id)), before);
      assert.equal(again.partition('t', 0).nextOffset, 120);
      assert.equal(again.partition('big', 0).nextOffset, 600);
      fixture.close(again);
    }
  });

  test('after a reopen the index rows keep the spacing they would have had without it', () => {
    const { logs } = fixture.open();
    logs.createTopic('reopened', 1, {});
    logs.createTopic('straight', 1, {});
    const batches = (first: number) => makeBatches(range(150).map((i) => 1 + (i % 4)), { first, valueBytes: 70 });
    appendAll(logs.partition('reopened', 0), batches(0));
    appendAll(logs.partition('straight', 0), [...batches(0), ...batches(375)]);
    const { logs: again } = fixture.reopen(logs, 'reopened');
    appendAll(again.partition('reopened', 0), batches(375));
    const rows = (topic: string) => indexSnapshot(again.db, again.partition(topic, 0).partitionId);
    assert.deepEqual(rows('reopened'), rows('straight'));
  });
});
