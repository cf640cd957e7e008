// e2e: the README's recipes, run exactly as written. Each `<!-- recipe: NAME -->` block of
// README.md is taken from the file and run by bash (`spool` on the PATH, a script that execs
// bin/spool.cjs, so that `kill $(jobs -p)` reaches the command as in a user's shell; SPOOL_HOME a
// fresh data directory; autostart on; the working directory a fresh one), and what it prints is
// checked. Changing a recipe without making it work fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PROJECT_ROOT, stdoutLines, type SpoolResult } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const RECIPE_BLOCK = /<!-- recipe: ([a-z-]+) -->\n```sh\n([\s\S]*?)\n```\n/g;
const RECIPES = new Map([...readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8').matchAll(RECIPE_BLOCK)].map((m) => [m[1]!, m[2]!]));
const RECIPE_TIMEOUT_MS = 90_000;

describe('e2e > README recipes', () => {
  const sandboxes: SpoolSandbox[] = [];

  after(async () => {
    for (const sandbox of sandboxes) await sandbox.cleanup();
  });

  /** Run the recipe in a data dir of its own; fails on any failing command (set -e, pipefail). */
  async function run(name: string): Promise<string[]> {
    const script = RECIPES.get(name);
    assert.ok(script !== undefined, `README.md has no recipe "${name}"`);
    const sandbox = await SpoolSandbox.create({ dataSubdir: 'data' });
    sandboxes.push(sandbox);
    const workDir = join(sandbox.dir, 'work');
    const binDir = join(sandbox.dir, 'bin');
    await mkdir(workDir);
    await mkdir(binDir);
    await writeFile(join(binDir, 'spool'), '#!/bin/sh\nexec "$E2E_NODE" "$E2E_SPOOL_BIN" "$@"\n');
    await chmod(join(binDir, 'spool'), 0o755);
    const result: SpoolResult = await sandbox.shell(`unset -f spool\nset -euo pipefail\ncd "$1"\n${script}`, [workDir], {
      env: { SPOOL_AUTOSTART: undefined, PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      timeoutMs: RECIPE_TIMEOUT_MS,
    });
    assert.equal(result.code, 0, `recipe ${name} failed (exit ${result.code}): ${result.stderr}`);
    assert.equal(result.stderr, '', `recipe ${name} wrote to stderr`);
    return stdoutLines(result);
  }

  test('README.md has each recipe once', () => {
    assert.deepEqual([...RECIPES.keys()], ['log-aggregation', 'replay', 'table', 'metrics-pipeline', 'work-queue', 'fan-out']);
  });

  test('log aggregation: each host\'s lines in one partition, in order; one host\'s log', async () => {
    const lines = await run('log-aggregation');
    assert.equal(lines[0], 'created topic logs (3 partitions)');
    const records = lines.slice(1, 10).map((line) => {
      const [where, host, ...rest] = line.split(' ');
      const [partition, offset] = where!.split('/').map(Number);
      return { partition: partition!, offset: offset!, host: host!, text: rest.join(' ') };
    });
    for (const host of ['web-1', 'web-2', 'db-1']) {
      const own = records.filter((r) => r.host === host).sort((a, b) => a.offset - b.offset);
      assert.equal(own.length, 3, host);
      assert.equal(new Set(own.map((r) => r.partition)).size, 1, `${host} in one partition`);
      assert.deepEqual(own.map((r) => r.text), ['request 1 done', 'request 2 done', 'request 3 done'], `${host} in its order`);
    }
    assert.deepEqual(lines.slice(10), ['request 1 done', 'request 2 done', 'request 3 done']);
  });

  test('replay from a point in time into a projection topic', async () => {
    assert.deepEqual(await run('replay'), ['alice -30', 'bob 25', 'alice -25']);
  });

  test('a compacted topic read as a table: latest values, tombstoned keys gone', async () => {
    assert.deepEqual(await run('table'), [
      'created topic customers (1 partition)',
      'c1 {"name":"Ada","city":"Paris"}',
      'c3 {"name":"Grace","city":"Arlington"}',
    ]);
  });

  test('a metrics pipeline: three workers of one group share the samples, each sample once', async () => {
    const lines = await run('metrics-pipeline');
    assert.equal(lines[0], 'created topic samples (4 partitions)');
    const counts = lines.slice(1, 5).map((line) => line.trim().split(/ +/));
    assert.deepEqual(counts.map(([, file]) => file), ['worker-1.txt', 'worker-2.txt', 'worker-3.txt', 'total']);
    assert.equal(Number(counts[3]![0]), 600, 'each sample read once');
    for (const [count, file] of counts.slice(0, 3)) assert.ok(Number(count) > 0, `${file} got samples: every partition has hosts`);
    const hosts = ['web-1', 'web-2', 'web-3', 'web-4', 'db-1', 'db-2'];
    const expected = hosts.map((host, index) => {
      let sum = 0;
      for (let i = 1; i <= 100; i++) sum += (index + 1) * 10 + (i % 10);
      return `${host} 100 samples, mean cpu ${(sum / 100).toFixed(1)}`;
    });
    assert.deepEqual(lines.slice(5), expected.sort());
  });

  test('a work queue: jobs stay until the workers take them, each job once, then go', async () => {
    const lines = await run('work-queue');
    assert.match(lines[0]!, /^broker running \(pid \d+, socket .+\)$/);
    assert.equal(lines[1], 'created topic jobs (2 partitions)');
    const table = (at: number) => {
      assert.match(lines[at]!, /^PARTITION +START +END$/);
      return [lines[at + 1]!, lines[at + 2]!].map((row) => row.trim().split(/ +/).map(Number)).map(([, start, end]) => ({ start: start!, end: end! }));
    };
    const before = table(2);
    assert.deepEqual(before.map((p) => p.start), [0, 0], 'nothing deleted before the workers take a job');
    assert.equal(before[0]!.end + before[1]!.end, 20000);
    assert.equal(lines[5], '20000');
    // Unkeyed bursts land on either partition, so one may hold only its active segment.
    const afterwards = table(6);
    for (const [i, p] of afterwards.entries()) {
      assert.ok(p.start <= p.end, `partition ${i}: start ${p.start}, end ${p.end}`);
      assert.equal(p.end, before[i]!.end);
    }
    assert.ok(afterwards[0]!.start + afterwards[1]!.start > 0, 'finished segments are deleted');
    assert.equal(lines.length, 9);
  });

  test('fan-out: every group reads every record, each from its own offsets', async () => {
    const lines = await run('fan-out');
    assert.deepEqual(lines.slice(0, 4), ['created topic orders (3 partitions)', '1000', '1000', '100']);
    assert.match(lines[4]!, /^GROUP +STATE +MEMBERS +TOPICS +LAG$/);
    assert.match(lines[5]!, /^billing +empty +0 +orders +0$/);
    assert.match(lines[6]!, /^shipping +empty +0 +orders +100$/);
    assert.equal(lines.length, 7);
  });
});
