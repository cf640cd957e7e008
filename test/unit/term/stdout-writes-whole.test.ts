// stdoutWritesWhole: a consumer group's output is cut into pipe-sized chunks only where a write
// can be taken in part (a pipe, a socket); files, /dev/null and terminals take writes whole.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stdoutWritesWhole, type CliIo } from '../../../src/term/io.js';

const ioWith = (stdoutFd: number | null | undefined): CliIo => ({ stdin: new PassThrough(), stdinFd: null, stdout: new PassThrough(), stderr: new PassThrough(), env: {}, stdoutFd });

describe('term > stdoutWritesWhole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spsww-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a regular file and /dev/null: whole', () => {
    for (const path of [join(dir, 'out.txt'), '/dev/null']) {
      const fd = openSync(path, 'w');
      try {
        assert.equal(stdoutWritesWhole(ioWith(fd)), true, path);
      } finally {
        closeSync(fd);
      }
    }
  });

  test('a stream given by a test, or no descriptor: not whole', () => {
    assert.equal(stdoutWritesWhole(ioWith(undefined)), false);
    assert.equal(stdoutWritesWhole(ioWith(null)), false);
  });

  test('a pipe: not whole', () => {
    // A child whose stdout is a pipe reports what stdoutWritesWhole says of it.
    const module = new URL('../../../src/term/io.js', import.meta.url).href;
    const script = `const { stdoutWritesWhole } = await import(${JSON.stringify(module)}); process.stderr.write(String(stdoutWritesWhole({ stdoutFd: 1 })));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stderr, 'false');
  });
});
