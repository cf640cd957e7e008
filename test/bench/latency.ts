// End-to-end latency: `spool produce lat --linger-ms 0` fed 10,000 lines a second for 10 s, and
// `spool tail lat -n 0 -f '%s\n'` into a pipe. Each line is its own send time (epoch ms with
// microseconds, performance.timeOrigin + performance.now()) taken as this process writes it to
// produce's stdin; this same process reads tail's stdout, so one clock measures print time minus
// send time for every record. Percentiles over the 100,000 records, measured after WARMUP_MS at
// the same rate (those first lines are not measured): the first seconds of freshly started Node
// processes run code that is not yet optimised, which is start-up cost, not steady latency. The
// warm-up's own p99 is reported beside them, and so are the percentiles of all the records.
// Then the same lines at the same rate through three Node processes that only pass bytes on
// (relay.ts): what this machine itself costs a line that crosses three processes, the floor under
// spool's figures here.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SPOOL_BIN, percentile, processCpuMs, startBroker, type Row } from './bench-kit.js';

const RELAY = fileURLToPath(new URL('./relay.js', import.meta.url));

const RATE_PER_SEC = 10_000;
const DURATION_MS = 10_000;
const TOTAL = (RATE_PER_SEC * DURATION_MS) / 1000;
const WARMUP_MS = 3_000;
const WARMUP_TOTAL = (RATE_PER_SEC * WARMUP_MS) / 1000;

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Where lines go in and come out, and the processes in between (for their CPU). */
interface Pipeline {
  input: Writable;
  output: Readable;
  pids: number[];
}

interface Measured {
  /** Latencies after the warm-up, sorted (ms). */
  sorted: number[];
  /** Latencies of the warm-up, sorted. */
  warmSorted: number[];
  /** CPU of each of `pids` while sending, in % of a core. */
  cpu: string[];
}

export async function benchLatency(): Promise<Row[]> {
  const broker = startBroker();
  const children: ChildProcess[] = [];
  let spool: Measured;
  try {
    spawnSync(process.execPath, [SPOOL_BIN, 'topic', 'create', 'lat'], { env: broker.env });
    const tail = spawn(process.execPath, [SPOOL_BIN, 'tail', 'lat', '-n', '0', '-f', '%s\\n'], { env: broker.env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(tail);
    const produce = spawn(process.execPath, [SPOOL_BIN, 'produce', 'lat', '--linger-ms', '0', '--quiet'], { env: broker.env, stdio: ['pipe', 'ignore', 'inherit'] });
    children.push(produce);
    spool = await measure({ input: produce.stdin!, output: tail.stdout!, pids: [tail.pid!, produce.pid!, broker.pid] });
  } finally {
    for (const child of children) await stop(child);
    broker.stop();
  }
  const floor = await measureRelay();
  const { sorted, warmSorted, cpu } = spool;
  const everything = [...warmSorted, ...sorted].sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  const note = `${sorted.length.toLocaleString('en-US')} of ${TOTAL.toLocaleString('en-US')} records, ${RATE_PER_SEC.toLocaleString('en-US')}/s for ${DURATION_MS / 1000} s, tail into a pipe`;
  return [
    { name: 'send-to-print latency p50', figure: ms(percentile(sorted, 50)), target: '-', note },
    { name: 'send-to-print latency p99', figure: ms(percentile(sorted, 99)), target: '<= 1 ms' },
    { name: 'send-to-print latency p99.9', figure: ms(percentile(sorted, 99.9)), target: '<= 3 ms' },
    { name: 'send-to-print latency max', figure: ms(sorted[sorted.length - 1] ?? NaN), target: '-', note: `CPU while sending: tail ${cpu[0]}, produce ${cpu[1]}, broker ${cpu[2]} of a core` },
    {
      name: `first ${WARMUP_MS / 1000} s after start p99 / p99.9`,
      figure: `${ms(percentile(warmSorted, 99))} / ${ms(percentile(warmSorted, 99.9))}`,
      target: '-',
      note: `${warmSorted.length.toLocaleString('en-US')} records while the processes warm up (not in the figures above)`,
    },
    {
      name: `all ${(WARMUP_MS + DURATION_MS) / 1000} s, warm-up included, p99 / p99.9`,
      figure: `${ms(percentile(everything, 99))} / ${ms(percentile(everything, 99.9))}`,
      target: '<= 3 / 10 ms',
      note: `${everything.length.toLocaleString('en-US')} records from the start of the processes`,
    },
    {
      name: 'this machine: 3 bare Node relays, p50 / p99 / p99.9',
      figure: `${ms(percentile(floor.sorted, 50))} / ${ms(percentile(floor.sorted, 99))} / ${ms(percentile(floor.sorted, 99.9))}`,
      target: '-',
      note: `the same lines at the same rate through three Node processes that only pass bytes on (relay.ts), after the same warm-up: the floor of the figures above here; CPU: out ${floor.cpu[0]}, in ${floor.cpu[1]}, hub ${floor.cpu[2]} of a core`,
    },
  ];
}

/** The same measurement through three relays that do nothing but pass bytes on (relay.ts). */
async function measureRelay(): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'splr-'));
  const socket = join(dir, 'hub.sock');
  const children: ChildProcess[] = [];
  const relay = (role: string, stdio: StdioOptions) => {
    const child = spawn(process.execPath, [RELAY, role, socket], { stdio });
    children.push(child);
    return child;
  };
  try {
    const hub = relay('hub', ['ignore', 'pipe', 'inherit']);
    await new Promise((resolve) => hub.stdout!.once('data', resolve));
    const out = relay('out', ['ignore', 'pipe', 'inherit']);
    const into = relay('in', ['pipe', 'ignore', 'inherit']);
    return await measure({ input: into.stdin!, output: out.stdout!, pids: [out.pid!, into.pid!, hub.pid!] });
  } finally {
    for (const child of children) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Lines into `input`, each its own send time, read back from `output`: WARMUP_MS at the rate, then
 * DURATION_MS measured. Warm-up and measured lines are alike and go through the same code here
 * (which of them a line is, is told by its place in the stream): a branch first taken when the
 * measurement starts would send this process's own optimised code back to the interpreter and
 * recompile it a few hundred milliseconds in, and that pause would be counted as spool's latency.
 */
async function measure(pipeline: Pipeline): Promise<Measured> {
  const latencies = new Float64Array(WARMUP_TOTAL + TOTAL);
  let received = 0;
  let warm = false;
  let pending = '';
  let onProgress: () => void = () => undefined;
  const output = pipeline.output;
  output.setEncoding('latin1');
  output.on('data', (chunk: string) => {
    const at = nowMs();
    // Cut lines without re-slicing the rest each time: the measuring process must stay light,
    // or its own pauses would count as latency.
    const text = pending + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      start = nl + 1;
      if (line === 'warm-up') warm = true;
      else if (received < latencies.length) latencies[received++] = at - Number(line);
    }
    pending = text.slice(start);
    onProgress();
  });
  // Until the far end prints the warm-up line, it may not be following yet.
  const warmDeadline = Date.now() + 15_000;
  while (!warm) {
    if (Date.now() > warmDeadline) throw new Error('nothing came out within 15 s');
    pipeline.input.write('warm-up\n');
    await new Promise<void>((resolve) => {
      onProgress = resolve;
      setTimeout(resolve, 200);
    });
  }
  // The processes' CPU is read when the warm-up is due to end, by a timer outside the sending loop.
  let cpuBefore: number[] = [];
  let measuredFrom = 0;
  const warmUpEnds = setTimeout(() => {
    cpuBefore = pipeline.pids.map(processCpuMs);
    measuredFrom = performance.now();
  }, WARMUP_MS);
  await sendPaced(pipeline.input, WARMUP_TOTAL + TOTAL);
  clearTimeout(warmUpEnds);
  const cpuAfter = pipeline.pids.map(processCpuMs);
  const sendMs = performance.now() - measuredFrom;
  const cpu = cpuAfter.map((after, i) => `${Math.round(((after - (cpuBefore[i] ?? after)) * 100) / sendMs)}%`);
  pipeline.input.end();
  const deadline = Date.now() + 30_000;
  while (received < latencies.length && Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      onProgress = resolve;
      setTimeout(resolve, 500);
    });
  }
  const warmCount = Math.min(received, WARMUP_TOTAL);
  return {
    sorted: Array.from(latencies.subarray(warmCount, received)).sort((a, b) => a - b),
    warmSorted: Array.from(latencies.subarray(0, warmCount)).sort((a, b) => a - b),
    cpu,
  };
}

/** SIGINT (tail and produce end cleanly on it), then SIGKILL if it lingers; by pid. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signal(child, 'SIGINT');
  const timer = setTimeout(() => signal(child, 'SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid!, name);
  } catch {
    // exited meanwhile
  }
}

/** Write `total` lines at RATE_PER_SEC, each stamped with the time it is written. */
async function sendPaced(stdin: Writable, total: number): Promise<void> {
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * RATE_PER_SEC) / 1000));
    let text = '';
    for (; sent < due; sent++) text += `${nowMs().toFixed(3)}\n`;
    if (text !== '' && !stdin.write(text)) await new Promise((resolve) => stdin.once('drain', resolve));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
