// One e2e test file's world: a temp dir used as data dir (socket `<dir>/spool.sock`, short), an
// optional shared broker, and `run`/`spawn`/`shell` that always pass that data dir explicitly.
// cleanup() ends every client and broker it knows of by pid (including one autostarted into the
// data dir, found through its lock file), removes the temp dir, and fails if any command run
// meanwhile printed a stack trace (SPEC §3: never, unless SPOOL_DEBUG=1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killPid, lockFilePid, startBroker, stopBroker, type BrokerHandle } from './spool-broker.js';
import {
  killLiveProcesses,
  takeStackTraces,
  runShell,
  runSpool,
  spawnSpool,
  type RunOptions,
  type SpawnOptions,
  type SpoolProcess,
  type SpoolResult,
} from './spool-cli.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

export class SpoolSandbox {
  readonly dir: string;
  readonly dataDir: string;
  broker: BrokerHandle | null = null;
  readonly #pids = new Set<number>();

  private constructor(dir: string, dataDir: string) {
    this.dir = dir;
    this.dataDir = dataDir;
  }

  /** `dataSubdir`: use `<temp dir>/<dataSubdir>` (not created here) as the data dir. */
  static async create(options: { broker?: boolean; brokerArgs?: readonly string[]; dataSubdir?: string } = {}): Promise<SpoolSandbox> {
    const dir = await makeTempDir();
    const sandbox = new SpoolSandbox(dir, options.dataSubdir === undefined ? dir : join(dir, options.dataSubdir));
    if (options.broker === true) await sandbox.startBroker(options.brokerArgs);
    return sandbox;
  }

  get socket(): string {
    return join(this.dataDir, 'spool.sock');
  }

  async startBroker(extraArgs: readonly string[] = []): Promise<BrokerHandle> {
    this.broker = await startBroker(this.dataDir, extraArgs);
    this.#pids.add(this.broker.pid);
    return this.broker;
  }

  /** kill -9 the shared broker and wait until its process is gone. */
  async killBroker(): Promise<void> {
    if (this.broker === null) return;
    await killPid(this.broker.pid);
    this.broker = null;
  }

  /** Remember a pid (e.g. an autostarted broker) for cleanup. */
  track(pid: number): void {
    this.#pids.add(pid);
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<SpoolResult> {
    return runSpool(['--data-dir', this.dataDir, ...args], options);
  }

  spawn(args: readonly string[], options: SpawnOptions = {}): SpoolProcess {
    return spawnSpool(['--data-dir', this.dataDir, ...args], options);
  }

  /** A bash script with `spool` and SPOOL_HOME set to this data dir (see runShell). */
  shell(script: string, args: readonly string[] = [], options: RunOptions = {}): Promise<SpoolResult> {
    return runShell(script, args, { ...options, env: { SPOOL_HOME: this.dataDir, ...options.env } });
  }

  async cleanup(): Promise<void> {
    killLiveProcesses();
    if (this.broker !== null) await stopBroker(this.broker);
    const owner = lockFilePid(this.dataDir);
    if (owner !== null && isBrokerOf(owner, this.dataDir)) this.#pids.add(owner);
    for (const pid of this.#pids) await killPid(pid);
    await removeTempDir(this.dir);
    const traces = takeStackTraces();
    assert.equal(traces.length, 0, `no command may print a stack trace, these did:\n${traces.join('\n')}`);
  }
}

/** The lock file may be stale and its pid reused: only a spool broker on this data dir is ours. */
function isBrokerOf(pid: number, dataDir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    // `spool broker start --foreground`, or the background broker's own process (bin/spool-broker.cjs).
    const broker = argv.includes('broker') || argv.some((arg) => arg.endsWith('/bin/spool-broker.cjs'));
    return broker && argv.includes(dataDir);
  } catch {
    return false;
  }
}
