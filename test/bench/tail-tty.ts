// `spool tail` in its live terminal view at 20,000 records/s for 60 s: the view runs in a real
// terminal (a private tmux server, 160x50), a producer is fed 20,000 JSON lines a second, and the
// tail process's CPU (from /proc/PID/stat) and RSS (/proc/PID/status) are sampled every 5 s.
// Flat means: the last 10 s cost about what the first 10 s did, and RSS stops growing. At the end
// the status bar is read from the screen for the records counted and the lag.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPOOL_BIN, startBroker, type Row } from './bench-kit.js';

const RATE_PER_SEC = 20_000;
const WARM_UP_MS = 5_000;
const DURATION_MS = 60_000;
const SAMPLE_MS = 5_000;
const CLOCK_TICKS_PER_SEC = 100;

interface Sample {
  atMs: number;
  cpuTicks: number;
  rssBytes: number;
}

export async function benchTailTty(): Promise<Row[]> {
  if (spawnSync('tmux', ['-V']).status !== 0) return [{ name: 'tail TTY view', figure: 'skipped', target: '-', note: 'tmux is not installed' }];
  const broker = startBroker();
  const dir = mkdtempSync(join(tmpdir(), 'spt-'));
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', join(dir, 'tmux.sock'), ...args], { encoding: 'utf8' });
  let producer: ChildProcess | null = null;
  let serverPid: number | null = null;
  try {
    spawnSync(process.execPath, [SPOOL_BIN, 'topic', 'create', 'tty'], { env: broker.env });
    const command = [
      'exec env -i',
      `PATH=${JSON.stringify(process.env.PATH ?? '/usr/bin:/bin')}`,
      `HOME=${JSON.stringify(process.env.HOME ?? '/')}`,
      'TERM=xterm-256color',
      `SPOOL_HOME=${JSON.stringify(broker.dataDir)}`,
      'SPOOL_AUTOSTART=0',
      JSON.stringify(process.execPath),
      JSON.stringify(SPOOL_BIN),
      'tail tty -n 0',
    ].join(' ');
    const started = tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'bench', '-x', '160', '-y', '50', command);
    if (started.status !== 0) throw new Error(`tmux: ${started.stderr}`);
    serverPid = Number(tmux('display-message', '-p', '-t', 'bench', '#{pid}').stdout.trim());
    const pid = Number(tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').stdout.trim());
    await waitForScreen(tmux, /following/, 15_000);

    producer = spawn(process.execPath, [SPOOL_BIN, 'produce', 'tty', '--quiet'], { env: broker.env, stdio: ['pipe', 'ignore', 'inherit'] });
    const samples: Sample[] = [];
    const feeding = feed(producer, WARM_UP_MS + DURATION_MS);
    await sleep(WARM_UP_MS);
    for (let t = 0; t <= DURATION_MS; t += SAMPLE_MS) {
      samples.push(sample(pid));
      if (t < DURATION_MS) await sleep(SAMPLE_MS);
    }
    const sent = await feeding;
    producer.stdin!.end();
    await sleep(2000);
    const status = statusLine(tmux('capture-pane', '-p', '-t', 'bench').stdout);
    tmux('send-keys', '-t', 'bench', 'q');
    return rows(samples, sent, status);
  } finally {
    if (producer?.pid !== undefined && producer.exitCode === null) {
      try {
        process.kill(producer.pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    tmux('kill-server');
    if (serverPid !== null && serverPid > 0) {
      try {
        process.kill(serverPid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(dir, { recursive: true, force: true });
    broker.stop();
  }
}

function rows(samples: readonly Sample[], sent: number, status: string): Row[] {
  const cpu = (a: Sample, b: Sample) => (((b.cpuTicks - a.cpuTicks) / CLOCK_TICKS_PER_SEC) * 1000 * 100) / (b.atMs - a.atMs);
  const first = cpu(samples[0]!, samples[2]!);
  const last = cpu(samples[samples.length - 3]!, samples[samples.length - 1]!);
  const all = cpu(samples[0]!, samples[samples.length - 1]!);
  const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
  const rss = samples.map((s) => s.rssBytes);
  const windows = samples.slice(1).map((s, i) => `${cpu(samples[i]!, s).toFixed(0)}%`).join(' ');
  return [
    { name: 'tail TTY CPU, first 10 s', figure: `${first.toFixed(0)}% of a core`, target: 'flat', note: `${RATE_PER_SEC.toLocaleString('en-US')} records/s, 160x50 tmux` },
    { name: 'tail TTY CPU, last 10 s', figure: `${last.toFixed(0)}% of a core`, target: 'flat', note: `every 5 s: ${windows}` },
    { name: 'tail TTY CPU, 60 s average', figure: `${all.toFixed(0)}% of a core`, target: '-' },
    { name: 'tail TTY RSS at 0 / 30 / 60 s', figure: `${mib(rss[0]!)} / ${mib(rss[Math.floor(rss.length / 2)]!)} / ${mib(rss[rss.length - 1]!)}`, target: 'flat', note: `max ${mib(Math.max(...rss))}` },
    { name: 'tail TTY status at the end', figure: status === '' ? '?' : 'read', target: '-', note: `${status} (sent ${sent.toLocaleString('en-US')})` },
  ];
}

function sample(pid: number): Sample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { atMs: performance.now(), cpuTicks, rssBytes: rss === null ? NaN : Number(rss[1]) * 1024 };
}

/** Feed the producer RATE_PER_SEC JSON lines a second for `durationMs`; resolves with the count. */
async function feed(producer: ChildProcess, durationMs: number): Promise<number> {
  const stdin = producer.stdin!;
  const started = performance.now();
  let sent = 0;
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= durationMs) return sent;
    const due = Math.floor((elapsed * RATE_PER_SEC) / 1000);
    let text = '';
    for (; sent < due; sent++) {
      text += `{"level":"${sent % 10 === 0 ? 'warn' : 'info'}","seq":${sent},"user":"user-${sent % 97}","msg":"request served","ms":${sent % 250},"ok":true}\n`;
    }
    if (text !== '' && !stdin.write(text)) await new Promise((resolve) => stdin.once('drain', resolve));
    await sleep(5);
  }
}

async function waitForScreen(tmux: (...args: string[]) => { stdout: string }, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(tmux('capture-pane', '-p', '-t', 'bench').stdout)) {
    if (Date.now() > deadline) throw new Error(`the tail view did not show ${pattern} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function statusLine(screen: string): string {
  return screen.split('\n').find((line) => /records/.test(line) && /lag/.test(line))?.trim() ?? '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
