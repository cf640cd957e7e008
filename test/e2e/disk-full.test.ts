// A write that fails for real (the broker's file size limit, set with prlimit on its pid, makes
// write() fail with EFBIG as a full disk makes it fail with ENOSPC): the produce fails with a
// clear error, no partial batch is ever served, reads go on, and appends work again once the
// limit is lifted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';
import { stdoutLines } from '../helpers/spool-cli.js';

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

describe('e2e > disk full', { skip: hasPrlimit ? false : 'prlimit is not installed' }, () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });
  after(async () => {
    await sandbox.cleanup();
  });

  function limitFileSize(bytes: number | 'unlimited'): void {
    const result = spawnSync('prlimit', ["--pid", String(sandbox.broker!.pid), `--fsize=${bytes}:unlimited`]);
    assert.equal(result.status, 0, result.stderr.toString());
  }

  test('a failed write fails that produce, keeps earlier data readable and resumes when space returns', async () => {
    const first = await sandbox.run(['produce', 'full', '--quiet'], { input: 'a\nb\nc\n' });
    assert.equal(first.code, 0, first.stderr);

    limitFileSize(4096);
    const big = Array.from({ length: 2000 }, (_, i) => `line-${i}-${'x'.repeat(40)}`).join('\n') + '\n';
    const failed = await sandbox.run(['produce', 'full', '--linger-ms', '0'], { input: big });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^spool: line \d+: write to .* failed: .*\(\d+ acknowledged before it\)\n$/);
    assert.equal(failed.stderr.split('\n').length, 2, 'one error line');

    // The broker still serves reads, and nothing half-written shows up.
    const read = await sandbox.run(['consume', 'full', '-e']);
    assert.equal(read.code, 0, read.stderr);
    const lines = stdoutLines(read);
    assert.deepEqual(lines.slice(0, 3), ['a', 'b', 'c']);
    for (const line of lines.slice(3)) assert.match(line, /^line-\d+-x{40}$/);
    const acknowledged = Number(/\((\d+) acknowledged/.exec(failed.stderr)![1]);
    assert.equal(lines.length, 3 + acknowledged, 'exactly the acknowledged messages are stored');

    limitFileSize('unlimited');
    const again = await sandbox.run(['produce', 'full', '--quiet'], { input: 'd\n' });
    assert.equal(again.code, 0, again.stderr);
    const after = await sandbox.run(['consume', 'full', '-e']);
    assert.equal(stdoutLines(after).at(-1), 'd');
    assert.equal(stdoutLines(after).length, lines.length + 1);
  });
});
