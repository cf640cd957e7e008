// e2e: the README's library recipe, run exactly as written. The `<!-- library-recipe: NAME -->`
// block of README.md is taken from the file and run by node in a project that depends on spool,
// with SPOOL_HOME a fresh data directory and autostart on, as in a user's shell; what it prints is
// checked, and a second run reads only the samples it added (the group's commits).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { linkSpoolPackage, runLibraryScript, writeLibraryScript } from '../helpers/library-scripts.js';
import { PROJECT_ROOT, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const RECIPE_BLOCK = /<!-- library-recipe: ([a-z-]+) -->\n```js\n([\s\S]*?)\n```\n/g;
const RECIPES = new Map([...readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8').matchAll(RECIPE_BLOCK)].map((m) => [m[1]!, m[2]!]));

describe('e2e > README library recipe', () => {
  let sandbox: SpoolSandbox | null = null;

  after(async () => {
    await sandbox?.cleanup();
  });

  test('README.md has the library recipe once, and it imports only the package', () => {
    assert.deepEqual([...RECIPES.keys()], ['metrics-rollup']);
    assert.match(RECIPES.get('metrics-rollup')!, /^import \{ connect \} from 'spool';\n/);
  });

  test('the metrics rollup as a Node script: each host\'s mean; run again, only the new samples', async () => {
    sandbox = await SpoolSandbox.create({ dataSubdir: 'data' });
    await linkSpoolPackage(sandbox.dir);
    await writeFile(join(sandbox.dir, 'package.json'), JSON.stringify({ name: 'rollup', type: 'module', dependencies: { spool: '*' } }));
    const script = await writeLibraryScript(sandbox.dir, 'rollup.mjs', RECIPES.get('metrics-rollup')! + '\n');
    const env = { SPOOL_HOME: sandbox.dataDir, SPOOL_AUTOSTART: undefined };
    const expected = ['cache-1', 'db-1', 'db-2', 'web-1', 'web-2', 'web-3'].map((host) => `${host} 100 samples, mean cpu 49.5`);
    for (const run of ['first', 'second']) {
      const result = await runLibraryScript(script, [], env, 90_000);
      assert.equal(result.code, 0, `${run} run: ${result.stderr}`);
      assert.equal(result.stderr, '', `${run} run wrote to stderr`);
      assert.deepEqual(stdoutLines(result), expected, `${run} run`);
    }
    const lag = await sandbox.run(['group', 'describe', 'rollup', '--json']);
    assert.equal(lag.code, 0, lag.stderr);
    const group = JSON.parse(lag.stdout.toString()) as { partitions: Array<{ committedOffset: number; logEndOffset: number; lag: number }> };
    assert.equal(group.partitions.reduce((sum, p) => sum + p.committedOffset, 0), 1200);
    assert.ok(group.partitions.every((p) => p.lag === 0));
  });
});
