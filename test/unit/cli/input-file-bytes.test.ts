// inputFileBytes: the producer sizes its memory by the input's length when the input is a
// regular file (--file, or stdin redirected from one); a pipe's length is unknown.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { inputFileBytes } from '../../../src/cli/input/input-stream.js';
import type { CliIo } from '../../../src/term/io.js';

function ioWithStdin(fd: number | null): CliIo {
  return { stdin: new PassThrough(), stdinFd: fd } as unknown as CliIo;
}

describe('cli > inputFileBytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spifb-'));
  const file = join(dir, 'lines.txt');
  writeFileSync(file, 'x'.repeat(5000));

  test('--file: the file\'s size', () => {
    assert.equal(inputFileBytes(ioWithStdin(null), file), 5000);
  });

  test('stdin redirected from a file: its size', () => {
    const fd = openSync(file, 'r');
    try {
      assert.equal(inputFileBytes(ioWithStdin(fd), undefined), 5000);
    } finally {
      closeSync(fd);
    }
  });

  test('a directory, a missing file, no descriptor: not known', () => {
    assert.equal(inputFileBytes(ioWithStdin(null), dir), null);
    assert.equal(inputFileBytes(ioWithStdin(null), join(dir, 'missing')), null);
    assert.equal(inputFileBytes(ioWithStdin(null), undefined), null);
  });

  test('stdin a pipe: not known', async () => {
    const { spawnSync } = await import('node:child_process');
    // A child whose stdin is a pipe reports what inputFileBytes says of it.
    const module = new URL('../../../src/cli/input/input-stream.js', import.meta.url).href;
    const script = `const { inputFileBytes } = await import(${JSON.stringify(module)}); process.stdout.write(String(inputFileBytes({ stdinFd: 0 }, undefined)));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: 'some lines\n', encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, 'null');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));
});
