// Shared pieces of `npm run bench`: a broker in a temp data dir (started and stopped by pid),
// timing of whole `spool` commands, medians, and the printed table. Benchmarks print figures;
// they never assert timings.
import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export const SPOOL_BIN = join(projectRoot(), 'bin', 'spool.cjs');

export interface BenchBroker {
  dataDir: string;
  pid: number;
  env: NodeJS.ProcessEnv;
  /** Stop it and remove its data dir. */
  stop(): void;
  /** Stop it, keeping the data (to write logs directly), then start it again with restart(). */
  stopOnly(): void;
  restart(): void;
  peakRssBytes(): number;
}

function launch(env: NodeJS.ProcessEnv, extraArgs: string[]): number {
  const out = spawnSync(process.execPath, [SPOOL_BIN, 'broker', 'start', ...extraArgs], { env, encoding: 'utf8' });
  const match = /pid (\d+)/.exec(out.stdout);
  if (out.status !== 0 || match === null) throw new Error(`broker did not start: ${out.stderr}`);
  return Number(match[1]);
}

export function startBroker(extraArgs: string[] = []): BenchBroker {
  const dataDir = mkdtempSync(join(tmpdir(), 'spb-'));
  const env = { ...process.env, SPOOL_HOME: dataDir, SPOOL_AUTOSTART: '0' };
  let pid: number;
  try {
    pid = launch(env, extraArgs);
  } catch (err) {
    // Its log says why; it goes into the error, and the data dir goes away with the broker.
    const log = join(dataDir, 'broker.log');
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-12).join('\n') : '';
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}${tail === '' ? '' : `\n${tail}`}`);
  }
  const broker: BenchBroker = {
    dataDir,
    pid,
    env,
    stopOnly() {
      spawnSync(process.execPath, [SPOOL_BIN, 'broker', 'stop'], { env });
      try {
        process.kill(broker.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    restart() {
      broker.pid = launch(env, extraArgs);
    },
    stop() {
      broker.stopOnly();
      rmSync(dataDir, { recursive: true, force: true });
    },
    peakRssBytes() {
      return peakRssOf(broker.pid);
    },
  };
  return broker;
}

/**
 * Loaded into a timed child with --require: at exit it writes its own CPU time (user + system of
 * every thread since it started, in ms) to $SPOOL_BENCH_CPU_FILE. A CommonJS file, not an --import
 * of a data: URL: that starts Node's ES module loader in every measured command, some 40 ms of
 * wall and 30 ms of CPU that spool's CommonJS bundle never pays otherwise. Written once per
 * bench run into the OS temp dir, removed as the bench exits.
 */
let cpuReportFile: string | null = null;

function cpuReport(): string {
  if (cpuReportFile === null) {
    const file = join(tmpdir(), `spbench-cpu-report-${process.pid}.cjs`);
    writeFileSync(
      file,
      'process.on("exit", () => { const u = process.cpuUsage(); require("node:fs").writeFileSync(process.env.SPOOL_BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });\n',
    );
    process.once('exit', () => rmSync(file, { force: true }));
    cpuReportFile = file;
  }
  return cpuReportFile;
}

export interface TimedRun {
  wallMs: number;
  /** The child's own CPU time (user + system), ms. */
  cpuMs: number;
}

let cpuFiles = 0;

/**
 * Run a Node script (bin/spool.cjs or a peer's client) to completion, timing its wall clock and
 * reading its CPU time as it exits. Rejects on a non-zero exit.
 */
export function timeNodeScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv, stdio: StdioOptions): Promise<TimedRun> {
  const cpuFile = join(tmpdir(), `spbench-cpu-${process.pid}-${cpuFiles++}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', cpuReport(), script, ...args], { env: { ...env, SPOOL_BENCH_CPU_FILE: cpuFile }, stdio });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      try {
        if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited ${code}: ${stderr}`);
        resolve({ wallMs, cpuMs: Number(readFileSync(cpuFile, 'utf8')) });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(cpuFile, { force: true });
      }
    });
  });
}

/** User plus system CPU time of a running process so far, in ms (from /proc/PID/stat). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
}

/** Peak resident set of a running process (VmHWM), bytes. */
export function peakRssOf(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kb === null ? NaN : Number(kb[1]) * 1024;
}

/** Clock ticks of /proc/PID/stat per second (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SEC = 100;

/** Run `spool ARGS` to completion; resolves with the wall time in ms. */
export function timeSpool(args: string[], env: NodeJS.ProcessEnv, stdio: StdioOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [SPOOL_BIN, ...args], { env, stdio });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`spool ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function dirBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + dirBytes(join(path, name)), 0);
}

export interface Row {
  name: string;
  figure: string;
  target: string;
  note?: string;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const widths = [
    Math.max(4, ...rows.map((r) => r.name.length)),
    Math.max(8, ...rows.map((r) => r.figure.length)),
    Math.max(6, ...rows.map((r) => r.target.length)),
  ];
  console.log(`\n${title}`);
  console.log(`| ${'case'.padEnd(widths[0]!)} | ${'measured'.padEnd(widths[1]!)} | ${'target'.padEnd(widths[2]!)} | note`);
  console.log(`|${'-'.repeat(widths[0]! + 2)}|${'-'.repeat(widths[1]! + 2)}|${'-'.repeat(widths[2]! + 2)}|------`);
  for (const r of rows) {
    console.log(`| ${r.name.padEnd(widths[0]!)} | ${r.figure.padEnd(widths[1]!)} | ${r.target.padEnd(widths[2]!)} | ${r.note ?? ''}`);
  }
}

export function fmtRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

/**
 * Write back the dirty pages the cases before left (gigabytes, after the throughput runs), so a
 * latency case measures spool and not the kernel flushing someone else's data meanwhile.
 */
export function settleDisk(): void {
  spawnSync('sync', [], { stdio: 'ignore' });
}

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'spbench-'));
}
