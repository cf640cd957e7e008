// e2e: remote mode's terminal views. A private tmux server runs `spool --broker kafka://… tail`
// and `spool --broker kafka://… top` in 100x20 panes against the Kafka listener of a spool
// broker: the tail view shows the history and records produced while it runs (through the
// socket), with its status bar; top shows the cluster line and the topic; q ends both with
// status 0. Skipped only when tmux is not installed (.ci/run installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RemotePair, ok } from '../helpers/remote-pair.js';
import { SPOOL_BIN } from '../helpers/spool-cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe('e2e > remote mode > terminal views (tmux)', { skip: hasTmux ? false : 'tmux not installed' }, () => {
  let pair: RemotePair;
  let socket: string;

  const tmux = (...args: string[]) => {
    const run = spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
  };
  const screen = (session: string) => tmux('capture-pane', '-p', '-t', session).stdout.replace(/\n+$/, '');

  async function waitForScreen(session: string, ready: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = screen(session);
      if (ready(text)) return text;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the screen:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  function startSession(session: string, spoolArgs: string): void {
    const command = [
      'env -i',
      `PATH=${JSON.stringify(process.env.PATH ?? '/usr/bin:/bin')}`,
      `HOME=${JSON.stringify(pair.sandbox.dir)}`,
      'TERM=xterm-256color',
      'SPOOL_AUTOSTART=0',
      JSON.stringify(process.execPath),
      JSON.stringify(SPOOL_BIN),
      '--data-dir',
      JSON.stringify(pair.sandbox.dataDir),
      ...pair.brokerArgs,
      `${spoolArgs};`,
      'echo "[spool exited with status $?]"; exec sleep 600',
    ].join(' ');
    const started = tmux('-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', '100', '-y', '20', command);
    assert.equal(started.status, 0, started.stderr);
  }

  before(async () => {
    pair = await RemotePair.plain();
    socket = join(pair.sandbox.dir, 'tmux.sock');
  });

  after(async () => {
    const pid = Number(tmux('display-message', '-p', '#{pid}').stdout.trim());
    tmux('kill-server');
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // the server is gone
      }
    }
    await pair.cleanup();
  });

  test('tail through the cluster: the history, new records, the status bar, and q', async () => {
    await ok(pair.local(['produce', 'screen', '-k', 'svc-a', '--quiet'], { input: 'first\nsecond\nthird\n' }), 'history');
    startSession('tail', 'tail screen -n 2');
    let text = await waitForScreen('tail', (s) => /following screen/.test(s) && s.includes('third'), 'the history and the status bar');
    assert.match(text, /\d\d:\d\d:\d\d\.\d{3} 0\/1 svc-a second\n\d\d:\d\d:\d\d\.\d{3} 0\/2 svc-a third/);
    assert.ok(!text.includes('first'), '-n 2');
    await ok(pair.local(['produce', 'screen', '--quiet'], { input: 'live-1\n' }), 'produce while it runs');
    text = await waitForScreen('tail', (s) => s.includes('live-1') && /3 records/.test(s), 'the new record');
    assert.match(text, /0\/3 -\s+live-1\n▶ following screen · 1 partition/);
    tmux('send-keys', '-t', 'tail', 'q');
    text = await waitForScreen('tail', (s) => /\[spool exited with status \d+\]/.test(s), 'spool to exit after q');
    assert.match(text, /\[spool exited with status 0\]/);
  });

  test('top through the cluster: the cluster line and the topic table, and q', async () => {
    startSession('top', 'top --interval-ms 500');
    const text = await waitForScreen('top', (s) => /cluster \S+, 1 broker, controller 0/.test(s) && /screen/.test(s), 'the cluster line and the topic');
    assert.match(text, /spool top {2}cluster /);
    tmux('send-keys', '-t', 'top', 'q');
    assert.match(await waitForScreen('top', (s) => /\[spool exited with status \d+\]/.test(s), 'top to exit after q'), /\[spool exited with status 0\]/);
  });
});
