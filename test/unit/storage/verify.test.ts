// spool verify's reading side (verifyLog) on real data directories built with LogManager: clean
// on a healthy log, whether its LogManager is still open (index.db in WAL use) or closed; damage
// to a segment file or to index.db is found and located by topic, partition, segment file,
// position and offset. verify never writes: index.db and the files stay byte for byte the same
// and no file appears.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { SpoolError } from '../../../src/common/errors.js';
import { verifyLog } from '../../../src/storage/verify/verify-log.js';
import type { VerifyProblem, VerifyReport } from '../../../src/storage/verify/verify-report.js';
import {
  BASE_TIMESTAMP,
  appendAll,
  appendBytes,
  batchesInFile,
  fileSize,
  flipByte,
  garbage,
  makeBatches,
  range,
  useStorageFixture,
  writeAt,
  type StorageFixture,
} from '../../helpers/storage-fixtures.js';

/** Topic `t` with 1 partition (or `partitions`) of 2-record batches over several 1 KiB segments. */
function buildLog(fixture: StorageFixture, batchCount = 30, partitions = 1) {
  const { logs } = fixture.open();
  logs.createTopic('t', partitions, { 'segment.bytes': '1024' });
  for (let p = 0; p < partitions; p++) appendAll(logs.partition('t', p), makeBatches(range(batchCount).map(() => 2), { valueBytes: 60 }));
  return logs;
}

function problemsOf(report: VerifyReport): string[] {
  return report.problems.map((p) => p.problem);
}

function onlyProblem(report: VerifyReport): VerifyProblem {
  assert.equal(report.problems.length, 1, `one problem expected, got: ${JSON.stringify(report.problems, null, 1)}`);
  return report.problems[0]!;
}

/** Every file of the data dir with its bytes, to show nothing changed. */
function treeBytes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path, readFileSync(path).toString('base64'));
  }
  return out;
}

describe('storage > verify > a healthy log', () => {
  const fixture = useStorageFixture();

  test('reports no problem and counts topics, partitions, segments, batches and records', () => {
    const logs = buildLog(fixture, 30, 2);
    fixture.close(logs);
    const segments = fixture.segmentPaths('t', 0).length + fixture.segmentPaths('t', 1).length;
    assert.ok(segments > 4, 'the log spans several segments');
    const report = verifyLog(fixture.dataDir);
    assert.deepEqual(report, { topics: 1, partitions: 2, segments, batches: 60, records: 120, problems: [] });
  });

  test('reports no problem while the LogManager still has index.db open (WAL in use)', () => {
    const logs = buildLog(fixture, 30);
    const report = verifyLog(fixture.dataDir);
    assert.deepEqual(report.problems, []);
    assert.equal(report.records, 60);
    appendAll(logs.partition('t', 0), makeBatches([1, 1], { first: 60 }));
    assert.equal(verifyLog(fixture.dataDir).records, 62, 'a second run sees the new batches');
  });

  test('reports no problem for an empty topic and for a topic trimmed by retention', () => {
    const { logs } = fixture.open();
    logs.createTopic('empty', 3, {});
    logs.createTopic('t', 1, { 'segment.bytes': '1024' });
    const log = logs.partition('t', 0);
    appendAll(log, makeBatches(range(30).map(() => 2), { valueBytes: 60 }));
    const before = log.segmentCount;
    log.advanceLogStart(25);
    assert.ok(log.segmentCount < before, 'whole segments were deleted');
    fixture.close(logs);
    const report = verifyLog(fixture.dataDir);
    assert.deepEqual(report.problems, []);
    assert.equal(report.topics, 2);
    assert.equal(report.partitions, 4);
  });

  test('checks only the topics named, each once', () => {
    const { logs } = fixture.open();
    logs.createTopic('a', 1, {});
    logs.createTopic('b', 2, {});
    appendAll(logs.partition('b', 1), makeBatches([3]));
    fixture.close(logs);
    assert.deepEqual(verifyLog(fixture.dataDir, ['b', 'b']), { topics: 1, partitions: 2, segments: 2, batches: 1, records: 3, problems: [] });
  });

  test('changes nothing in the data directory and creates no file, with the index open or closed', () => {
    const logs = buildLog(fixture, 20);
    fixture.close(logs);
    const closed = treeBytes(fixture.dataDir);
    verifyLog(fixture.dataDir);
    assert.deepEqual(treeBytes(fixture.dataDir), closed);

    const reopened = fixture.open().logs;
    const names = readdirSync(fixture.dataDir).sort();
    verifyLog(fixture.dataDir);
    assert.deepEqual(readdirSync(fixture.dataDir).sort(), names);
    fixture.close(reopened);
  });
});

describe('storage > verify > damage in segment files', () => {
  const fixture = useStorageFixture();

  test('a flipped byte in a closed segment is a CRC problem at that batch: topic, partition, offset, position', () => {
    const logs = buildLog(fixture);
    fixture.close(logs);
    const path = fixture.segmentPaths()[1]!;
    const batch = batchesInFile(path)[1]!;
    flipByte(path, batch.position + batch.sizeBytes - 3);
    const problem = onlyProblem(verifyLog(fixture.dataDir));
    assert.equal(problem.topic, 't');
    assert.equal(problem.partition, 0);
    assert.equal(problem.segment, path);
    assert.equal(problem.position, batch.position);
    assert.equal(problem.offset, batch.baseOffset);
    assert.match(problem.problem, /^CRC-32C mismatch/);
  });

  test('the batches after a damaged one are still checked and counted', () => {
    const logs = buildLog(fixture);
    fixture.close(logs);
    const path = fixture.segmentPaths()[0]!;
    const [first, second] = batchesInFile(path);
    flipByte(path, first!.position + 70);
    flipByte(path, second!.position + 70);
    const report = verifyLog(fixture.dataDir);
    assert.deepEqual(report.problems.map((p) => [p.offset, p.position]), [[first!.baseOffset, first!.position], [second!.baseOffset, second!.position]]);
    assert.equal(report.batches, 30);
    assert.equal(report.records, 56, 'the records of the damaged batches are not counted');
  });

  test('a base offset going back (outside the CRC) is found', () => {
    const logs = buildLog(fixture);
    fixture.close(logs);
    const path = fixture.segmentPaths()[0]!;
    const third = batchesInFile(path)[2]!;
    const stamped = Buffer.alloc(8);
    stamped.writeBigInt64BE(0n);
    writeAt(path, third.position, stamped);
    const problems = verifyLog(fixture.dataDir).problems;
    assert.ok(problems.some((p) => p.position === third.position && /goes back before/.test(p.problem)), JSON.stringify(problems));
  });

  test('batch offsets reaching into the next segment are found', () => {
    const logs = buildLog(fixture);
    fixture.close(logs);
    const [firstPath, secondPath] = fixture.segmentPaths();
    const last = batchesInFile(firstPath!).at(-1)!;
    const nextBase = batchesInFile(secondPath!)[0]!.baseOffset;
    const stamped = Buffer.alloc(8);
    stamped.writeBigInt64BE(BigInt(nextBase));
    writeAt(firstPath!, last.position, stamped);
    const problems = verifyLog(fixture.dataDir).problems;
    assert.ok(problems.some((p) => p.segment === firstPath && p.position === last.position && /reach the next segment's base offset/.test(p.problem)), JSON.stringify(problems));
  });

  test('a torn last batch of the active segment is reported where it starts', () => {
    const logs = buildLog(fixture);
    fixture.close(logs);
    const path = fixture.segmentPaths().at(-1)!;
    const size = fileSize(path);
    const last = batchesInFile(path).at(-1)!;
    truncateSync(path, size - 5);
    const problem = onlyProblem(verifyLog(fixture.dataDir));
    assert.equal(problem.position, last.position);
    assert.equal(problem.offset, last.baseOffset);
    assert.match(problem.problem, /runs past the end of the file/);
  });

  test('garbage after the last batch is reported once, with the position where it starts', () => {
    const logs = buildLog(fixture);
    fixture.close(logs);
    const path = fixture.segmentPaths().at(-1)!;
    const end = fileSize(path);
    appendBytes(path, garbage(100));
    const problem = onlyProblem(verifyLog(fixture.dataDir));
    assert.equal(problem.segment, path);
    assert.equal(problem.position, end);
  });
});

describe('storage > verify > damage in index.db', () => {
  const fixture = useStorageFixture();

  function closedLog() {
    const logs = buildLog(fixture);
    const partitionId = logs.partition('t', 0).partitionId;
    fixture.close(logs);
    return { partitionId, paths: fixture.segmentPaths() };
  }

  test('an offset index row pointing past the end of its file', () => {
    const { partitionId, paths } = closedLog();
    const first = batchesInFile(paths[0]!)[0]!;
    fixture.editIndexDb((db) => db.prepare('UPDATE offset_index SET position = 100000 WHERE partition_id = ? AND offset = ?').run(partitionId, first.baseOffset));
    const problem = onlyProblem(verifyLog(fixture.dataDir));
    assert.equal(problem.segment, paths[0]);
    assert.equal(problem.offset, first.baseOffset);
    assert.equal(problem.position, 100000);
    assert.match(problem.problem, /past the end of the file/);
  });

  test('an offset index row pointing inside a batch, or at a batch with another base offset', () => {
    const { partitionId, paths } = closedLog();
    const [first, second] = batchesInFile(paths[0]!);
    fixture.editIndexDb((db) => {
      db.prepare('INSERT INTO offset_index (partition_id, offset, segment_base, position) VALUES (?, ?, ?, ?)').run(partitionId, first!.baseOffset + 1, 0, 10);
      db.prepare('INSERT INTO offset_index (partition_id, offset, segment_base, position) VALUES (?, ?, ?, ?)').run(partitionId, second!.baseOffset + 1, 0, second!.position);
    });
    const problems = verifyLog(fixture.dataDir).problems;
    assert.deepEqual(
      problems.map((p) => [p.offset, p.position]),
      [
        [first!.baseOffset + 1, 10],
        [second!.baseOffset + 1, second!.position],
      ],
    );
    assert.match(problems[0]!.problem, /not the start of a batch/);
    assert.match(problems[1]!.problem, new RegExp(`the batch has base offset ${second!.baseOffset}$`));
  });

  test('offset index rows of a segment file that is gone are reported once', () => {
    const { paths } = closedLog();
    rmSync(paths[1]!);
    const problems = verifyLog(fixture.dataDir).problems.filter((p) => p.segment === paths[1]);
    assert.ok(problems.some((p) => /offset index rows? .* point into this segment file, which does not exist/.test(p.problem)), JSON.stringify(problems));
    assert.ok(problems.some((p) => /segments row names this segment file/.test(p.problem)));
  });

  test('a time index row below the largest timestamp before it', () => {
    const { partitionId, paths } = closedLog();
    const second = batchesInFile(paths[1]!)[0]!;
    fixture.editIndexDb((db) => db.prepare('UPDATE time_index SET timestamp = 5 WHERE partition_id = ? AND offset = ?').run(partitionId, second.baseOffset));
    const problem = onlyProblem(verifyLog(fixture.dataDir));
    assert.equal(problem.offset, second.baseOffset);
    assert.equal(problem.segment, paths[1]);
    assert.equal(problem.position, 0);
    assert.match(problem.problem, new RegExp(`has timestamp 5, below the largest timestamp before it \\(${BASE_TIMESTAMP + second.baseOffset - 1}\\)`));
  });

  test('a time index row above the largest timestamp before it, and a first row that is not -1', () => {
    const { partitionId, paths } = closedLog();
    const second = batchesInFile(paths[1]!)[0]!;
    fixture.editIndexDb((db) => {
      db.prepare('UPDATE time_index SET timestamp = ? WHERE partition_id = ? AND offset = ?').run(BASE_TIMESTAMP * 2, partitionId, second.baseOffset);
      db.prepare('UPDATE time_index SET timestamp = 7 WHERE partition_id = ? AND offset = 0').run(partitionId);
    });
    const problems = verifyLog(fixture.dataDir).problems;
    assert.deepEqual(problems.map((p) => p.offset), [0, second.baseOffset]);
    assert.match(problems[0]!.problem, /has timestamp 7, but no record comes before it \(expected -1\)/);
    assert.match(problems[1]!.problem, new RegExp(`but the largest timestamp before it is ${BASE_TIMESTAMP + second.baseOffset - 1}`));
  });

  test('a time index row inside a batch and one past the log end', () => {
    const { partitionId } = closedLog();
    fixture.editIndexDb((db) => {
      db.prepare('INSERT INTO time_index (partition_id, offset, timestamp) VALUES (?, ?, ?)').run(partitionId, 1, BASE_TIMESTAMP);
      db.prepare('INSERT INTO time_index (partition_id, offset, timestamp) VALUES (?, ?, ?)').run(partitionId, 500, BASE_TIMESTAMP + 59);
    });
    assert.deepEqual(
      problemsOf(verifyLog(fixture.dataDir)),
      ['time index row for offset 1 falls inside the batch 0..1, not at its start', 'time index row for offset 500 lies at or past the log end offset 60'],
    );
  });

  test('a segments row whose size or next offset does not match its closed segment', () => {
    const { partitionId, paths } = closedLog();
    const base = batchesInFile(paths[1]!)[0]!.baseOffset;
    fixture.editIndexDb((db) => db.prepare('UPDATE segments SET size_bytes = 3, next_offset = next_offset + 1 WHERE partition_id = ? AND base_offset = ?').run(partitionId, base));
    const report = verifyLog(fixture.dataDir);
    assert.deepEqual(report.problems.map((p) => [p.segment, p.offset]), [[paths[1], base], [paths[1], base]]);
    assert.match(report.problems[0]!.problem, new RegExp(`segments row says the file holds 3 bytes, it holds ${fileSize(paths[1]!)}`));
    assert.match(report.problems[1]!.problem, /segments row says the next offset is \d+, the batches in the file end before \d+/);
  });

  test('a log start offset past the log end, or below the first segment', () => {
    const { partitionId } = closedLog();
    fixture.editIndexDb((db) => db.prepare('UPDATE partitions SET log_start_offset = 61 WHERE id = ?').run(partitionId));
    assert.deepEqual(onlyProblem(verifyLog(fixture.dataDir)), {
      topic: 't',
      partition: 0,
      segment: null,
      position: null,
      offset: 61,
      problem: 'log start offset 61 is past the log end offset 60',
    });
    const first = fixture.segmentPaths()[0]!;
    rmSync(first);
    const problems = verifyLog(fixture.dataDir).problems;
    fixture.editIndexDb((db) => db.prepare('UPDATE partitions SET log_start_offset = 0 WHERE id = ?').run(partitionId));
    const missing = verifyLog(fixture.dataDir).problems.find((p) => /^log start offset 0 is below/.test(p.problem));
    assert.ok(problems.length > 0);
    assert.ok(missing !== undefined, 'the offsets of the deleted first segment are missing');
  });
});

describe('storage > verify > what it refuses', () => {
  const fixture = useStorageFixture();

  test('a topic that does not exist', () => {
    fixture.close(buildLog(fixture, 2));
    assert.throws(() => verifyLog(fixture.dataDir, ['t', 'nope']), (err: unknown) => err instanceof SpoolError && err.message === 'topic "nope" does not exist' && err.exitCode === 1);
  });

  test('a data directory without index.db, or that does not exist', () => {
    for (const dir of [fixture.dataDir, join(fixture.dataDir, 'missing')]) {
      assert.throws(() => verifyLog(dir), (err: unknown) => err instanceof SpoolError && err.message === `no spool data in ${dir}` && err.exitCode === 1);
    }
    assert.deepEqual(readdirSync(fixture.dataDir), [], 'nothing was created');
  });
});
