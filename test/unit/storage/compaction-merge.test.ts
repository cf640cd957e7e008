// Merging small segments at the end of a compaction pass, on real files: which neighbours are
// merged, that a merge changes no record and no offset, leaves segments within segment.bytes and
// index rows a reopen trusts, and that a crash at any moment of the swap (the copy renamed over
// the first segment, none, some or all of the others removed, the index not yet updated; or the
// index updated and the files not) leaves a log that serves exactly the records it held before.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopicConfig } from '../../../src/common/topic-config.js';
import { mergeableRuns } from '../../../src/storage/compaction/merge-segments.js';
import { compactPartition } from '../../../src/storage/log-compactor.js';
import type { LogManager } from '../../../src/storage/log-manager.js';
import type { PartitionLog, SegmentInfo } from '../../../src/storage/partition-log.js';
import { assertLatestReadable, produceRounds, withoutMerging } from '../../helpers/compaction-fixtures.js';
import { BASE_TIMESTAMP, readAll, useStorageFixture } from '../../helpers/storage-fixtures.js';

const SEGMENT_BYTES = 4096;
const CONFIGS = { 'cleanup.policy': 'compact', 'segment.bytes': String(SEGMENT_BYTES) };

function configOf(logs: LogManager): TopicConfig {
  return logs.requireTopic('t').config;
}

/** Every record the log serves, as `offset key value`. */
function served(log: PartitionLog): string[] {
  return readAll(log).map((r) => `${r.offset} ${r.key?.toString() ?? '-'} ${r.value?.toString() ?? '<null>'}`);
}

function segment(baseOffset: number, nextOffset: number, sizeBytes: number, active = false): SegmentInfo {
  return { baseOffset, nextOffset, sizeBytes, maxTimestamp: -1, path: `${baseOffset}.log`, active };
}

describe('storage > log compaction > merging small segments', () => {
  const fixture = useStorageFixture();

  test('runs of neighbours that fit in segment.bytes together, oldest first, never the active segment', () => {
    const segments = [
      segment(0, 10, 0),
      segment(10, 20, 100),
      segment(20, 30, 3000),
      segment(30, 40, 2000),
      segment(40, 50, 500),
      segment(50, 60, 500),
      segment(60, 70, 4090),
      segment(70, 80, 10),
      segment(80, 90, 10, true),
    ];
    const bases = (runs: SegmentInfo[][]) => runs.map((run) => run.map((s) => s.baseOffset));
    assert.deepEqual(bases(mergeableRuns(segments, 4096, Infinity)), [
      [0, 10, 20],
      [30, 40, 50],
    ]);
    // Segments past the pass's cleanable end are not compacted yet: left alone.
    assert.deepEqual(bases(mergeableRuns(segments, 4096, 40)), [[0, 10, 20]]);
    assert.deepEqual(bases(mergeableRuns(segments, 100, Infinity)), [[0, 10]]);
    assert.deepEqual(mergeableRuns(segments, 0, Infinity), []);
  });

  test('a pass merges the segments compaction left small: same records at the same offsets, fewer files', async () => {
    const { logs, log } = fixture.openTopic('t', CONFIGS);
    const latest = produceRounds(log, 40, 12, 50);
    log.roll();
    await compactPartition(log, withoutMerging(configOf(logs)), BASE_TIMESTAMP);
    const records = served(log);
    const segmentsBefore = log.segmentCount;

    const report = await compactPartition(log, configOf(logs), BASE_TIMESTAMP);
    assert.ok(report.segmentsMerged > 0, `${segmentsBefore} segments, none merged`);
    assert.equal(report.segmentsRewritten, 0, 'the second pass has nothing left to compact');
    assert.equal(log.segmentCount, segmentsBefore - report.segmentsMerged);
    assert.deepEqual(served(log), records);
    assertLatestReadable(log, latest);
    const closed = log.segments().filter((s) => !s.active);
    assert.ok(closed.every((s) => s.sizeBytes <= SEGMENT_BYTES), closed.map((s) => s.sizeBytes).join(','));
    assert.deepEqual(mergeableRuns(log.segments(), SEGMENT_BYTES, Infinity), [], 'no two neighbours left that fit together');
    assert.deepEqual(fixture.segmentPaths(), log.segments().map((s) => s.path), 'the merged files are gone');
    // (The originals' second names, `.replaced.log.cleaned`, are removed off the loop a moment later.)
    assert.deepEqual(readdirSync(fixture.partitionDir()).filter((name) => name.endsWith('.cleaned') && !name.includes('.replaced')), []);
    // Reads from any offset go on at the next record kept.
    const next = log.nextOffset;
    for (let offset = 0; offset < next; offset += 7) {
      assert.deepEqual(
        readAll(log, offset).map((r) => r.offset),
        records.map((line) => Number(line.split(' ')[0])).filter((o) => o >= offset),
        `read from ${offset}`,
      );
    }

    const reopened = fixture.reopen(logs);
    assert.deepEqual(reopened.recovered, []);
    assert.equal(reopened.log.recovery.rebuiltSegments, 0, 'the merged segments and their index rows are trusted');
    assert.deepEqual(served(reopened.log), records);
    const again = await compactPartition(reopened.log, configOf(reopened.logs), BASE_TIMESTAMP);
    assert.equal(again.segmentsMerged, 0);
  });

  test('a crash at any moment of the swap serves exactly the records of before', async () => {
    const { logs, log } = fixture.openTopic('t', CONFIGS);
    const latest = produceRounds(log, 40, 12, 50);
    log.roll();
    await compactPartition(log, withoutMerging(configOf(logs)), BASE_TIMESTAMP);
    const records = served(log);
    const basesBefore = log.segments().map((s) => s.baseOffset);
    fixture.close(logs);
    const backup = `${fixture.dataDir}-before`;
    cpSync(fixture.dataDir, backup, { recursive: true });
    try {
      const merged = fixture.reopen(null);
      const report = await compactPartition(merged.log, configOf(merged.logs), BASE_TIMESTAMP);
      assert.ok(report.segmentsMerged > 0);
      // A run of the pass: the originals between a merged segment and the next one.
      const after = merged.log.segments();
      const runs = after.slice(0, -1).map((s, i) => basesBefore.filter((b) => b >= s.baseOffset && b < after[i + 1]!.baseOffset));
      const run = runs.find((bases) => bases.length >= 2)!;
      const pathOf = (base: number) => join(fixture.partitionDir(), `${String(base).padStart(20, '0')}.log`);
      const mergedFile = readFileSync(pathOf(run[0]!));
      fixture.close(merged.logs);
      const mergedIndex = `${fixture.dataDir}-merged-index.db`;
      cpSync(join(fixture.dataDir, 'index.db'), mergedIndex);

      const restore = () => {
        rmSync(fixture.dataDir, { recursive: true, force: true });
        cpSync(backup, fixture.dataDir, { recursive: true });
      };
      const check = (moment: string, cut: boolean) => {
        const recovered = fixture.reopen(null);
        assert.equal(recovered.recovered.length > 0, cut, `${moment}: ${JSON.stringify(recovered.recovered)}`);
        for (const line of recovered.recovered) {
          for (const problem of line.problems) assert.match(problem, /belong to the next segment, which still holds them \(a compaction merge that did not finish\)$/);
        }
        assert.deepEqual(served(recovered.log), records, moment);
        assertLatestReadable(recovered.log, latest);
        fixture.close(recovered.logs);
        const reopened = fixture.reopen(null);
        assert.deepEqual(reopened.recovered, [], `${moment}: a second start finds nothing to mend`);
        assert.deepEqual(served(reopened.log), records, `${moment}, reopened`);
        fixture.close(reopened.logs);
      };

      // The copy renamed over the first segment, then the others removed oldest first; the index
      // rows not updated yet. While a later original is still there, recovery cuts the copy
      // where that file begins.
      for (let removed = 0; removed < run.length; removed++) {
        restore();
        writeFileSync(pathOf(run[0]!), mergedFile);
        for (const base of run.slice(1, 1 + removed)) rmSync(pathOf(base));
        check(`renamed, ${removed} of ${run.length - 1} removed`, removed < run.length - 1);
      }
      // The index rows updated, the files not (a power loss that kept the database's write and
      // lost the renames): the files are the truth.
      restore();
      for (const name of readdirSync(fixture.dataDir)) if (name.startsWith('index.db')) rmSync(join(fixture.dataDir, name));
      cpSync(mergedIndex, join(fixture.dataDir, 'index.db'));
      check('index updated, files not', false);
      rmSync(mergedIndex, { force: true });

      // And a pass after a crash merges again.
      const resumed = fixture.reopen(null);
      const pass = await compactPartition(resumed.log, configOf(resumed.logs), BASE_TIMESTAMP);
      assert.ok(pass.segmentsMerged > 0);
      assert.deepEqual(served(resumed.log), records);
    } finally {
      rmSync(backup, { recursive: true, force: true });
    }
  });
});
