// Compaction and crashes: the swap is write the copy, fdatasync, rename, then update SQLite, so a
// crash leaves the original segment or the compacted one, never a mix. Each point is tested on
// real files: a copy left before the rename (recovery deletes it), a rename whose index update
// never happened (recovery rescans the segment), and kill -9 of a process at many moments of a
// pass over a log of many segments (merges included), after which every key's latest value is
// still readable. The moments of a merge's swap: compaction-merge.test.ts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, linkSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopicConfig } from '../../../src/common/topic-config.js';
import { compactPartition } from '../../../src/storage/log-compactor.js';
import type { LogManager } from '../../../src/storage/log-manager.js';
import { assertLatestReadable, produceRounds, withoutMerging } from '../../helpers/compaction-fixtures.js';
import { BASE_TIMESTAMP, distModuleUrl, readAll, recordsIn, useStorageFixture } from '../../helpers/storage-fixtures.js';

function copies(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.cleaned'));
}

function configOf(logs: LogManager): TopicConfig {
  return logs.requireTopic('t').config;
}

const CONFIGS = { 'cleanup.policy': 'compact', 'segment.bytes': '4096' };

describe('storage > log compaction > crashes', () => {
  const fixture = useStorageFixture();

  test('copies left before the rename are deleted at start-up and the originals read', async () => {
    const { logs, log } = fixture.openTopic('t', CONFIGS);
    const latest = produceRounds(log, 10, 20, 50);
    log.roll();
    const originals = fixture.segmentPaths().map((p) => readFileSync(p));
    const target = fixture.segmentPaths()[1]!;
    // A half-written copy: the first part of what the compacted file would begin with.
    writeFileSync(target.replace(/\.log$/, '.log.cleaned'), originals[1]!.subarray(0, 1000));
    // And the second name an original keeps while it is swapped out (a hard link).
    linkSync(fixture.segmentPaths()[2]!, fixture.segmentPaths()[2]!.replace(/\.log$/, '.replaced.log.cleaned'));
    const reopened = fixture.reopen(logs);
    assert.deepEqual(copies(fixture.partitionDir()), []);
    assert.deepEqual(reopened.recovered, []);
    assert.deepEqual(fixture.segmentPaths().map((p) => readFileSync(p)), originals);
    assertLatestReadable(reopened.log, latest);
    await compactPartition(reopened.log, configOf(reopened.logs), BASE_TIMESTAMP);
    assertLatestReadable(reopened.log, latest);
  });

  test('a rename whose index update never happened is found by its size and the segment rescanned', async () => {
    const { logs, log } = fixture.openTopic('t', CONFIGS);
    const latest = produceRounds(log, 10, 30, 50);
    log.roll();
    fixture.close(logs);
    const backup = join(fixture.dataDir, '..', `${fixture.dataDir.split('/').pop()}-before`);
    cpSync(fixture.dataDir, backup, { recursive: true });
    try {
      const compacted = fixture.reopen(null);
      const report = await compactPartition(compacted.log, withoutMerging(configOf(compacted.logs)), BASE_TIMESTAMP);
      assert.ok(report.segmentsRewritten >= 3);
      const paths = fixture.segmentPaths();
      const newFiles = paths.map((p) => readFileSync(p));
      fixture.close(compacted.logs);
      // Back to the state before the pass (files and index.db), then one rename done again by hand.
      rmSync(fixture.dataDir, { recursive: true, force: true });
      cpSync(backup, fixture.dataDir, { recursive: true });
      // A segment that kept something but less than before (the last one is the empty active one).
      const swapped = newFiles.findIndex((f, i) => f.length > 0 && i < paths.length - 1 && f.length < readFileSync(join(backup, paths[i]!.slice(fixture.dataDir.length))).length);
      assert.ok(swapped >= 0);
      writeFileSync(paths[swapped]! + '.cleaned', newFiles[swapped]!);
      renameSync(paths[swapped]! + '.cleaned', paths[swapped]!);
      const recovered = fixture.reopen(null);
      assert.equal(recovered.log.recovery.rebuiltSegments, 1, 'the swapped segment is rescanned');
      assert.deepEqual(recovered.recovered, [], 'nothing is cut');
      const expected = fixture.segmentPaths().flatMap((p) => recordsIn(readFileSync(p))).map((r) => r.offset);
      assert.deepEqual(readAll(recovered.log).map((r) => r.offset), expected, 'the log serves exactly what its files hold');
      assertLatestReadable(recovered.log, latest);
      await compactPartition(recovered.log, configOf(recovered.logs), BASE_TIMESTAMP);
      assertLatestReadable(recovered.log, latest);
    } finally {
      rmSync(backup, { recursive: true, force: true });
    }
  });

  test('an empty segment whose rows were dropped but whose file stayed (a crash between) comes back empty and goes again', async () => {
    const { logs, log } = fixture.openTopic('t', CONFIGS);
    const latest = produceRounds(log, 3, 60, 50);
    log.roll();
    const basesBefore = log.segments().map((s) => s.baseOffset);
    const report = await compactPartition(log, withoutMerging(configOf(logs)), BASE_TIMESTAMP);
    assert.ok(report.segmentsDropped > 0);
    const kept = new Set(log.segments().map((s) => s.baseOffset));
    const dropped = basesBefore.filter((b) => !kept.has(b));
    const expected = readAll(log).map((r) => r.offset);
    fixture.close(logs);
    const orphan = join(fixture.partitionDir(), `${String(dropped[0]).padStart(20, '0')}.log`);
    writeFileSync(orphan, '');
    const recovered = fixture.reopen(null);
    assert.ok(recovered.log.segments().some((s) => s.baseOffset === dropped[0]), 'recovery takes the file back as a segment');
    assert.deepEqual(readAll(recovered.log).map((r) => r.offset), expected);
    const again = await compactPartition(recovered.log, withoutMerging(configOf(recovered.logs)), BASE_TIMESTAMP);
    assert.equal(again.segmentsDropped, 1);
    assert.ok(!readdirSync(fixture.partitionDir()).includes(orphan.split('/').pop()!));
    assertLatestReadable(recovered.log, latest);
  });

  test('kill -9 at many moments of a pass leaves a readable log with every latest value', async (t) => {
    const { logs, log } = fixture.openTopic('t', CONFIGS);
    const latest = produceRounds(log, 100, 40, 120);
    log.roll();
    assert.ok(log.segmentCount > 100, `${log.segmentCount} segments`);
    fixture.close(logs);
    const script = join(fixture.dataDir, 'compact.mjs');
    writeFileSync(script, childScript(fixture.dataDir));
    let kills = 0;
    let killedDuringCopy = 0;
    for (let run = 0; ; run++) {
      assert.ok(run < 40, 'the pass finishes once it is no longer killed');
      // Kill on seeing a copy being written (after a delay that grows), or at a plain delay; from
      // the tenth run on, let the pass finish.
      const killAfterMs = run >= 10 ? null : (run % 4) * 120;
      const outcome = await runChild(script, fixture.partitionDir(), killAfterMs, run % 2 === 0);
      if (outcome.killed) {
        kills++;
        if (outcome.copySeen) killedDuringCopy++;
      }
      const reopened = fixture.open();
      assert.deepEqual(reopened.recovered, [], `run ${run}: recovery cuts nothing`);
      assert.deepEqual(copies(fixture.partitionDir()), [], `run ${run}: no copy is left`);
      assertLatestReadable(reopened.logs.partition('t', 0), latest);
      fixture.close(reopened.logs);
      if (!outcome.killed) break;
    }
    t.diagnostic(`${kills} kills, ${killedDuringCopy} of them while a copy was written`);
    assert.ok(kills >= 3, `${kills} kills`);
    assert.ok(killedDuringCopy >= 1, 'at least one kill came while a copy was written');
    // Once a pass has finished, only the latest record of each key is left.
    const final = fixture.open();
    const keys = readAll(final.logs.partition('t', 0)).map((r) => r.key!.toString());
    assert.equal(new Set(keys).size, keys.length, 'one record per key');
  });
});

/**
 * The pass in a child process. isCurrent runs at every slice; sleeping there (1 ms) makes the pass
 * slow enough to be killed in the middle without changing what it does.
 */
function childScript(dataDir: string): string {
  return `
    import { LogManager } from ${JSON.stringify(distModuleUrl('storage/log-manager.js'))};
    import { compactPartition } from ${JSON.stringify(distModuleUrl('storage/log-compactor.js'))};
    const { logs } = LogManager.open({ dataDir: ${JSON.stringify(dataDir)} });
    const topic = logs.requireTopic('t');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    process.stdout.write('compacting\\n');
    // Two days after the records were written: every tombstone is past delete.retention.ms.
    const report = await compactPartition(topic.partitions[0], topic.config, ${BASE_TIMESTAMP + 2 * 86_400_000}, {
      yieldEveryBytes: 4096,
      isCurrent: () => (Atomics.wait(pause, 0, 0, 1), true),
    });
    logs.close();
    process.stdout.write('done ' + JSON.stringify(report) + '\\n');
  `;
}

interface ChildOutcome {
  killed: boolean;
  /** A .cleaned file was in the directory at the moment of the kill. */
  copySeen: boolean;
}

/**
 * Run the pass; with `killAfterMs`, SIGKILL it that long after it starts compacting (when
 * `onCopy`, not before a copy is seen in `dir`), unless it finishes first.
 */
function runChild(script: string, dir: string, killAfterMs: number | null, onCopy: boolean): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let startedMs: number | null = null;
    let copySeen = false;
    let killed = false;
    const poll = setInterval(() => {
      if (startedMs === null || killAfterMs === null || killed) return;
      const copyNow = copies(dir).some((name) => !name.endsWith('.replaced.log.cleaned'));
      if (Date.now() - startedMs < killAfterMs || (onCopy && !copyNow)) return;
      copySeen = copyNow;
      killed = true;
      child.kill('SIGKILL');
    }, 1);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (startedMs === null && stdout.includes('compacting\n')) startedMs = Date.now();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL' && killed) resolve({ killed: true, copySeen });
      else if (code === 0 && stdout.includes('done ')) resolve({ killed: false, copySeen: false });
      else reject(new Error(`compaction child exited ${code} (${signal}): ${stderr}`));
    });
  });
}
