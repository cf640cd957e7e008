// e2e: `spool tail` in a real terminal. A private tmux server (its own socket in the sandbox)
// runs the live view in a 100x20 pane; records are produced from outside, the screen is read with
// capture-pane, keys are sent with send-keys, and the shell around spool prints its exit status.
// Skipped only when tmux is not installed (.ci/run installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SPOOL_BIN, assertExit } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';
import { textWidth } from '../../src/ui/text-width.js';

const COLUMNS = 100;
const ROWS = 20;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe('e2e > tail in a terminal (tmux)', () => {
  let sandbox: SpoolSandbox;
  let socket: string;

  const tmux = (...args: string[]) => {
    const run = spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
  };
  /** The visible screen of a session, trailing blank lines dropped. */
  const screen = (session = 'tail') => tmux('capture-pane', '-p', '-t', session).stdout.replace(/\n+$/, '');

  async function waitForScreen(ready: (text: string) => boolean, what: string, timeoutMs = 20_000, session = 'tail'): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = screen(session);
      if (ready(text)) return text;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the screen:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    socket = join(sandbox.dir, 'tmux.sock');
  });

  after(async () => {
    if (hasTmux) {
      const pid = Number(tmux('display-message', '-p', '#{pid}').stdout.trim());
      tmux('kill-server');
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // the server is gone
        }
      }
    }
    await sandbox.cleanup();
  });

  test('rows, the status bar, pause and q, on a real terminal', async (t) => {
    if (!hasTmux) {
      t.skip('tmux not installed');
      return;
    }
    const history = ['{"level":"info","msg":"started"}', `{"level":"warn","msg":"${'long '.repeat(40)}"}`, 'plain text line'];
    assertExit(await sandbox.run(['produce', 'screen', '-k', 'svc-a', '--quiet'], { input: history.join('\n') + '\n' }), 0);
    const command = [
      'env -i',
      `PATH=${JSON.stringify(process.env.PATH ?? '/usr/bin:/bin')}`,
      `HOME=${JSON.stringify(sandbox.dir)}`,
      'TERM=xterm-256color',
      'SPOOL_AUTOSTART=0',
      JSON.stringify(process.execPath),
      JSON.stringify(SPOOL_BIN),
      '--data-dir',
      JSON.stringify(sandbox.dataDir),
      'tail screen -n 3;',
      // The shell reaps spool and prints its status (tmux may be slow to reap a dead pane's child).
      'echo "[spool exited with status $?]"; exec sleep 600',
    ].join(' ');
    const started = tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'tail', '-x', String(COLUMNS), '-y', String(ROWS), command);
    assert.equal(started.status, 0, started.stderr);

    let text = await waitForScreen((s) => /following screen/.test(s) && s.includes('plain text line'), 'the history and the status bar');
    const lines = text.split('\n');
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} 0\/0 svc-a {"level":"info","msg":"started"}$/);
    assert.match(lines[1]!, /^\d\d:\d\d:\d\d\.\d{3} 0\/1 svc-a {"level":"warn","msg":"long long .*…$/);
    for (const line of lines) assert.ok(textWidth(line) <= COLUMNS, `wider than the terminal: ${line}`);
    assert.match(text, /▶ following screen · 1 partition · \d+ rec\/s · 3 records · lag 0\nq quit {2}space pause {2}\/ filter$/);
    const colours = tmux('capture-pane', '-p', '-e', '-t', 'tail').stdout;
    assert.ok(colours.includes('\u001b['), 'colour on a terminal');

    assertExit(await sandbox.run(['produce', 'screen', '--quiet'], { input: 'new-1\nnew-2\n' }), 0);
    text = await waitForScreen((s) => s.includes('new-2') && /5 records/.test(s), 'records produced while it runs');
    assert.match(text, /0\/4 -\s+new-2\n▶ following/);

    tmux('send-keys', '-t', 'tail', ' ');
    await waitForScreen((s) => /paused/.test(s), 'the paused status');
    assertExit(await sandbox.run(['produce', 'screen', '--quiet'], { input: 'while-paused\n' }), 0);
    text = await waitForScreen((s) => /6 records · lag 0 · 1 new held/.test(s), 'the held record counted');
    assert.ok(!text.includes('while-paused'));
    tmux('send-keys', '-t', 'tail', ' ');
    await waitForScreen((s) => s.includes('while-paused') && /following/.test(s), 'the held record on resume');

    tmux('send-keys', '-t', 'tail', 'q');
    text = await waitForScreen((s) => /\[spool exited with status \d+\]/.test(s), 'spool to exit after q');
    assert.match(text, /\[spool exited with status 0\]/);
    // The last frame stays, as a log pane's footer does.
    assert.match(screen(), /following screen · 1 partition/);
  });

  /** A session running `spool --data-dir D ARGS` (shell syntax) in a clean environment; the shell then prints spool's status. */
  function startSession(session: string, spoolArgs: string): void {
    const command = [
      'env -i',
      `PATH=${JSON.stringify(process.env.PATH ?? '/usr/bin:/bin')}`,
      `HOME=${JSON.stringify(sandbox.dir)}`,
      'TERM=xterm-256color',
      'SPOOL_AUTOSTART=0',
      JSON.stringify(process.execPath),
      JSON.stringify(SPOOL_BIN),
      '--data-dir',
      JSON.stringify(sandbox.dataDir),
      `${spoolArgs};`,
      'echo "[spool exited with status $?]"; exec sleep 600',
    ].join(' ');
    const started = tmux('-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', String(COLUMNS), '-y', String(ROWS), command);
    assert.equal(started.status, 0, started.stderr);
  }

  const waitingNote = (pattern: string) => `spool: no topic matches "${pattern}" yet; waiting for one (Ctrl-C stops)`;
  const timesIn = (text: string, part: string) => text.split(part).length - 1;

  test('a glob that matches nothing yet, stdout into a file: one note on the terminal, then the records', async (t) => {
    if (!hasTmux) {
      t.skip('tmux not installed');
      return;
    }
    const out = join(sandbox.dir, 'waited.txt');
    startSession('waiting', `tail 'waited.*' > ${JSON.stringify(out)}`);
    await waitForScreen((s) => s.includes(waitingNote('waited.*')), 'the note', 20_000, 'waiting');
    assertExit(await sandbox.run(['produce', 'waited.one', '--quiet'], { input: 'arrived\n' }), 0);
    const deadline = Date.now() + 20_000;
    while (!existsSync(out) || !readFileSync(out, 'utf8').includes('arrived')) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for the record in ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    tmux('send-keys', '-t', 'waiting', 'C-c');
    const text = await waitForScreen((s) => /\[spool exited with status \d+\]/.test(s), 'spool to exit after Ctrl-C', 20_000, 'waiting');
    assert.match(text, /\[spool exited with status 0\]/);
    assert.equal(timesIn(text, waitingNote('waited.*')), 1, `the note once: ${text}`);
    assert.equal(readFileSync(out, 'utf8'), 'arrived\n');
  });

  test('a glob that matches nothing yet, in the live view: the note stays above the view, which shows the records', async (t) => {
    if (!hasTmux) {
      t.skip('tmux not installed');
      return;
    }
    startSession('waiting-live', "tail 'shown.*'");
    await waitForScreen((s) => s.includes(waitingNote('shown.*')), 'the note', 20_000, 'waiting-live');
    assertExit(await sandbox.run(['produce', 'shown.one', '--quiet'], { input: 'on-screen\n' }), 0);
    await waitForScreen((s) => s.includes('on-screen') && /following shown\.one/.test(s), 'the record in the view', 20_000, 'waiting-live');
    tmux('send-keys', '-t', 'waiting-live', 'q');
    const text = await waitForScreen((s) => /\[spool exited with status \d+\]/.test(s), 'spool to exit after q', 20_000, 'waiting-live');
    assert.match(text, /\[spool exited with status 0\]/);
    assert.equal(timesIn(text, waitingNote('shown.*')), 1, `the note once: ${text}`);
  });
});
