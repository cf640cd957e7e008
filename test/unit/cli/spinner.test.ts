// Spinners go to stderr, and only when stderr is a terminal, not under CI and not with --quiet.
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import type { CliIo } from '../../../src/term/io.js';
import { progressSpinner, spinnersEnabled, withSpinner } from '../../../src/cli/spinner.js';

class FakeTerminal extends Writable {
  isTTY = true;
  columns = 80;
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
  // ora asks a TTY stream for these.
  cursorTo(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
}

function io(stderr: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv = {}): CliIo & { out: PassThrough } {
  const out = new PassThrough();
  return { stdin: new PassThrough(), stdinFd: null, stdout: out, stderr, env, out };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cli > spinner', () => {
  test('only on a terminal, not under CI, not with --quiet', () => {
    assert.equal(spinnersEnabled(io(new FakeTerminal()), false), true);
    assert.equal(spinnersEnabled(io(new PassThrough()), false), false);
    assert.equal(spinnersEnabled(io(new FakeTerminal(), { CI: 'true' }), false), false);
    assert.equal(spinnersEnabled(io(new FakeTerminal(), { CI: '0' }), false), true);
    assert.equal(spinnersEnabled(io(new FakeTerminal()), true), false);
  });

  test('withSpinner draws on stderr while the work runs, never on stdout, and returns its result', async () => {
    const stderr = new FakeTerminal();
    const cli = io(stderr, { NO_COLOR: '1' });
    const result = await withSpinner(cli, 'starting the broker', { delayMs: 0 }, async () => {
      await sleep(300);
      return 42;
    });
    assert.equal(result, 42);
    assert.match(stderr.text, /starting the broker/);
    assert.equal(cli.out.read(), null, 'nothing on stdout');
  });

  test('without a terminal the work just runs and nothing is written', async () => {
    const stderr = new PassThrough();
    assert.equal(await withSpinner(io(stderr), 'x', {}, async () => 'done'), 'done');
    assert.equal(stderr.read(), null);
  });

  test('a progress spinner re-reads its text, and appears only after its delay', async () => {
    const stderr = new FakeTerminal();
    let count = 0;
    const progress = progressSpinner(io(stderr, { NO_COLOR: '1' }), { delayMs: 50, intervalMs: 20 }, () => `${++count} messages`);
    await sleep(20);
    assert.equal(stderr.text, '', 'nothing before the delay');
    await sleep(400);
    progress.stop();
    assert.match(stderr.text, /\d+ messages/);
    assert.ok(count > 2, 'the text was read again');
    const after = stderr.text;
    await sleep(100);
    assert.equal(stderr.text, after, 'nothing after stop');
  });
});
