// tierUpSooner: the interrupt budget it sets a moment after the start takes effect in a running
// process, so a hot function is marked for optimisation after far fewer calls than at V8's
// default. Measured in a child with --allow-natives-syntax (V8's own optimisation status), each
// way the same function, the same work per call.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';

const TIERING = pathToFileURL(join(import.meta.dirname, '../../../src/common/v8-tiering.js')).href;

// Bits of %GetOptimizationStatus: optimised (16), marked for optimisation (256, 512), being
// optimised on a background thread (1024).
const CHILD = `
import { tierUpSooner } from '${TIERING}';
if (process.argv[2] === 'sooner') tierUpSooner();
await new Promise((resolve) => setTimeout(resolve, 600));
function hot(a) {
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += (a * i) % 7;
  return sum;
}
let calls = 0;
while (calls < 10000000 && (%GetOptimizationStatus(hot) & (16 | 256 | 512 | 1024)) === 0) hot(calls++);
process.stdout.write(String(calls));
`;

describe('v8 tiering', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-'));
  const script = join(dir, 'child.mjs');
  writeFileSync(script, CHILD);
  after(() => rmSync(dir, { recursive: true, force: true }));

  const callsUntilMarked = (mode: string): number => {
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', script, mode], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return Number(run.stdout);
  };

  test('tierUpSooner: a hot function is marked for optimisation after at most half the calls', () => {
    const byDefault = callsUntilMarked('default');
    const sooner = callsUntilMarked('sooner');
    assert.ok(byDefault > 0 && byDefault < 10000000, `marked at the default after ${byDefault} calls`);
    assert.ok(sooner * 2 <= byDefault, `${sooner} calls with tierUpSooner against ${byDefault} at the default`);
  });
});
