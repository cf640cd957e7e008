// Real write failures, no mocks: a child process appends under `prlimit --fsize` (SIGXFSZ
// ignored), so a write past the limit fails with EFBIG part-way through a batch. Every append the
// child saw fail must have left the segment files as they were, appends must go on after a
// failure, and on reopen the log must hold exactly the acknowledged records, no partial batch.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { distModuleUrl, fileSize, offsetsOf, range, readAll, runNodeScript, useStorageFixture, valuesOf, type StorageFixture } from '../../helpers/storage-fixtures.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const HAVE_PRLIMIT = spawnSync('bash', ['-c', 'command -v prlimit'], { encoding: 'utf8' }).status === 0;

interface StepResult {
  /** Record indexes of the step's one-record batches (value `v<i>` padded with dots). */
  records: number[];
  ack: { baseOffset: number; lastOffset: number } | null;
  error: { name: string; code: number; message: string } | null;
  filesBefore: Record<string, number>;
  filesAfter: Record<string, number>;
}

/**
 * Run `steps` in a child limited to `limitBytes` per file: each step is one append of one-record
 * batches with the given value sizes. Failed steps are recorded and the child goes on.
 */
function runLimited(fixture: StorageFixture, steps: number[][], limitBytes: number): StepResult[] {
  const script = `
    import { readdirSync, statSync, writeSync } from 'node:fs';
    import { join } from 'node:path';
    import { LogManager } from ${JSON.stringify(distModuleUrl('storage/log-manager.js'))};
    import { encodeRecordBatch } from ${JSON.stringify(distModuleUrl('records/encode-batch.js'))};
    const steps = ${JSON.stringify(steps)};
    const { logs } = LogManager.open({ dataDir: ${JSON.stringify(fixture.dataDir)} });
    const log = logs.partition('t', 0);
    const files = () => Object.fromEntries(readdirSync(log.dir).map((f) => [f, statSync(join(log.dir, f)).size]));
    const results = [];
    let next = 0;
    for (const sizes of steps) {
      const records = sizes.map(() => next++);
      const batches = sizes.map((size, j) => encodeRecordBatch([
        { key: null, value: Buffer.from(('v' + records[j]).padEnd(size, '.')), headers: [], timestamp: 1000 + records[j] },
      ]));
      const result = { records, ack: null, error: null, filesBefore: files(), filesAfter: null };
      try {
        result.ack = log.append(Buffer.concat(batches));
      } catch (err) {
        result.error = { name: err.name, code: err.code, message: err.message };
      }
      result.filesAfter = files();
      results.push(result);
    }
    logs.close();
    writeSync(1, JSON.stringify(results));
  `;
  const run = runNodeScript(fixture.dataDir, 'limited.mjs', script, limitBytes);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as StepResult[];
}

/** The invariants every run must keep, then the acknowledged records read back after a reopen. */
function assertOnlyAcknowledgedRecords(fixture: StorageFixture, results: StepResult[], limitBytes: number): void {
  const failed = results.filter((r) => r.error !== null);
  assert.ok(failed.length > 0, 'some append hit the file size limit');
  const firstFailure = results.findIndex((r) => r.error !== null);
  assert.ok(results.slice(firstFailure).some((r) => r.ack !== null), 'appends go on after a failed one');
  for (const result of failed) {
    assert.equal(result.error!.name, 'StorageWriteError');
    assert.equal(result.error!.code, ErrorCode.StorageError);
    assert.match(result.error!.message, /EFBIG/);
    assert.match(result.error!.message, /\.log/);
    assert.deepEqual(result.filesAfter, result.filesBefore, `a failed append of records ${result.records.join(',')} changes no file`);
  }
  const acknowledged = results.filter((r) => r.ack !== null);
  let offset = 0;
  for (const result of acknowledged) {
    assert.deepEqual(result.ack, { baseOffset: offset, lastOffset: offset + result.records.length - 1 });
    offset += result.records.length;
  }

  const { log, recovered } = fixture.reopen(null);
  assert.deepEqual(recovered, [], 'nothing torn was left for recovery to cut');
  const expected = acknowledged.flatMap((r) => r.records).map((i) => `v${i}`);
  assert.deepEqual(valuesOf(readAll(log)), expected);
  assert.deepEqual(offsetsOf(readAll(log)), range(expected.length));
  assert.equal(log.nextOffset, expected.length);
  for (const path of fixture.segmentPaths()) assert.ok(fileSize(path) <= limitBytes);
  assert.deepEqual(log.append(Buffer.alloc(0)), { baseOffset: expected.length, lastOffset: expected.length - 1 });
}

describe('storage > PartitionLog > write failure', { skip: HAVE_PRLIMIT ? false : 'prlimit is not installed' }, () => {
  const fixture = useStorageFixture();

  function createTopic(configs: Record<string, string> = {}): void {
    const { logs } = fixture.open();
    logs.createTopic('t', 1, configs);
    fixture.close(logs);
  }

  test('a batch cut short by EFBIG is not kept, and smaller appends go on until the limit', () => {
    createTopic();
    const limit = 2 * MiB;
    const steps = [...range(5).map(() => [600 * KiB]), ...range(4).map(() => [100 * KiB]), ...range(12).map(() => [10 * KiB])];
    assertOnlyAcknowledgedRecords(fixture, runLimited(fixture, steps, limit), limit);
  });

  test('an append of several batches that fails in its last batch keeps none of them', () => {
    createTopic();
    const limit = 2 * MiB;
    const steps = [[600 * KiB], [600 * KiB], [600 * KiB], [10 * KiB, 10 * KiB, 10 * KiB, 600 * KiB], [10 * KiB]];
    const results = runLimited(fixture, steps, limit);
    assert.ok(results[3]!.error !== null && results[4]!.ack !== null);
    assertOnlyAcknowledgedRecords(fixture, results, limit);
  });

  test('an append that rolls and then fails keeps nothing of what it wrote before the roll', () => {
    createTopic({ 'segment.bytes': String(MiB) });
    const limit = 2 * MiB;
    const steps = [[300 * KiB], [300 * KiB], [300 * KiB], [100 * KiB, 2.5 * MiB], [10 * KiB]];
    const results = runLimited(fixture, steps, limit);
    assert.ok(results[3]!.error !== null && results[4]!.ack !== null);
    assertOnlyAcknowledgedRecords(fixture, results, limit);
  });

  test('a batch that rolls a new segment and then fails leaves no empty segment behind', () => {
    createTopic({ 'segment.bytes': String(MiB) });
    const limit = 2 * MiB;
    const steps = [[300 * KiB], [300 * KiB], [300 * KiB], [2.5 * MiB], [10 * KiB], [800 * KiB]];
    const results = runLimited(fixture, steps, limit);
    assert.ok(results[3]!.error !== null && results[4]!.ack !== null);
    assertOnlyAcknowledgedRecords(fixture, results, limit);
    assert.equal(fixture.segmentPaths().length, 2, 'the 800 KiB batch rolled into the second segment');
  });
});
