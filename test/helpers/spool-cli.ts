// Running the real `bin/spool.cjs` the way users do: a child process of this Node binary with a
// clean environment (no SPOOL_* from the caller's shell; autostart off unless a test turns it on,
// so a broker that died can never be replaced by an untracked one), stdout kept as bytes and
// stderr as text. Every process started here is tracked by pid, so that a test file's after()
// can end whatever still runs, by pid and never by name.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot();
export const SPOOL_BIN = join(PROJECT_ROOT, 'bin', 'spool.cjs');
/** Batches and murmur2 vectors from real Kafka clients (test/fixtures/kafka/README.md). */
export const SHARED_FIXTURES_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'kafka');
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface SpoolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Variables to set; `undefined` removes one. */
export type EnvOverrides = Record<string, string | undefined>;

export interface RunOptions {
  input?: string | Buffer;
  env?: EnvOverrides;
  timeoutMs?: number;
}

export interface SpawnOptions {
  env?: EnvOverrides;
  /** 'pipe' (default): write with SpoolProcess.write/end; or a readable with a file descriptor. */
  stdin?: 'pipe' | 'ignore' | Readable;
}

export function spoolEnv(overrides: EnvOverrides = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('SPOOL_') || key === 'XDG_DATA_HOME' || key === 'FORCE_COLOR' || key === 'NODE_TEST_CONTEXT') continue;
    env[key] = value;
  }
  env.NO_COLOR = '1';
  env.SPOOL_AUTOSTART = '0';
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

const live = new Set<SpoolProcess>();
const STACK_FRAME = '    at ';
const stackTraces: string[] = [];

/** Commands (since the last call) whose stderr held a stack trace; SPEC §3 allows none. */
export function takeStackTraces(): string[] {
  return stackTraces.splice(0);
}

/** SIGKILL every process started by this module that is still running (by pid). */
export function killLiveProcesses(): void {
  for (const proc of live) proc.kill();
  live.clear();
}

/** A running command whose output is collected as it comes. */
export class SpoolProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<SpoolResult>;
  readonly #stdout: Buffer[] = [];
  readonly #detached: boolean;
  #stderr = '';
  #stdoutNewlines = 0;
  #closed = false;
  #waiters: Array<() => void> = [];

  constructor(command: string, args: readonly string[], options: SpawnOptions & { detached?: boolean } = {}) {
    this.child = spawn(command, args, {
      env: spoolEnv(options.env),
      stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'],
      detached: options.detached === true,
    });
    if (this.child.pid === undefined) throw new Error(`cannot start ${command}`);
    this.pid = this.child.pid;
    this.#detached = options.detached === true;
    live.add(this);
    // The command may exit before reading all its input (an error, `head`): not our failure.
    this.child.stdin?.on('error', () => undefined);
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.#stdout.push(chunk);
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) this.#stdoutNewlines++;
      this.#notify();
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.#stderr += chunk;
      this.#notify();
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        live.delete(this);
        this.#closed = true;
        if (this.#stderr.includes(STACK_FRAME)) stackTraces.push(`${args.slice(1).join(' ')}: ${this.#stderr}`);
        this.#notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.#stderr });
      });
    });
    // A spawn failure surfaces where `exited` is awaited; unawaited, it must not crash the run.
    this.exited.catch(() => undefined);
  }

  get stdout(): Buffer {
    return Buffer.concat(this.#stdout);
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Lines written to stdout so far (counted as they come, cheap to poll). */
  get stdoutLineCount(): number {
    return this.#stdoutNewlines;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Write to stdin, waiting for 'drain' when the pipe is full. */
  async write(data: string | Buffer): Promise<void> {
    const stdin = this.child.stdin;
    if (stdin === null || stdin.destroyed) throw new Error('stdin is closed');
    if (!stdin.write(data)) await new Promise<void>((resolve) => {
      stdin.once('drain', resolve);
      stdin.once('close', resolve);
    });
  }

  end(): void {
    this.child.stdin?.end();
  }

  /** Signal the process (a detached one: its whole group) by pid; nothing if it is gone. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.running && !this.#detached) return;
    try {
      process.kill(this.#detached ? -this.pid : this.pid, signal);
    } catch {
      // Gone meanwhile.
    }
  }

  /** Resolve once `ready()` holds (checked on every output); reject on timeout or if it exits first. */
  async waitFor(ready: (p: SpoolProcess) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this)) {
      if (this.#closed) {
        throw new Error(`exited (code ${this.child.exitCode}) before ${what}; stderr: ${this.#stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait for the exit; on timeout kill (by pid, the group for a detached one) and throw. */
  async finish(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SpoolResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`${this.child.spawnargs.slice(1).join(' ')} did not exit within ${timeoutMs} ms; stderr: ${this.#stderr}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Start `spool ARGS` and leave it running. */
export function spawnSpool(args: readonly string[], options: SpawnOptions = {}): SpoolProcess {
  return new SpoolProcess(process.execPath, [SPOOL_BIN, ...args], options);
}

/** Run `spool ARGS` to its end with `input` on stdin (empty when not given). */
export async function runSpool(args: readonly string[], options: RunOptions = {}): Promise<SpoolResult> {
  const proc = spawnSpool(args, options.env === undefined ? {} : { env: options.env });
  if (options.input !== undefined) void proc.write(options.input).catch(() => undefined); // a failed write shows in the exit
  proc.end();
  return proc.finish(options.timeoutMs);
}

/**
 * Run a bash script in its own process group; `spool` is a shell function calling the real
 * bin/spool.cjs, and positional parameters are `$1…`. On timeout the whole group is killed.
 */
export async function runShell(script: string, args: readonly string[], options: RunOptions = {}): Promise<SpoolResult> {
  const prelude = 'spool() { "$E2E_NODE" "$E2E_SPOOL_BIN" "$@"; }\n';
  const env = { E2E_NODE: process.execPath, E2E_SPOOL_BIN: SPOOL_BIN, ...options.env };
  const proc = new SpoolProcess('bash', ['-c', prelude + script, 'bash', ...args], { env, detached: true });
  if (options.input !== undefined) void proc.write(options.input).catch(() => undefined);
  proc.end();
  return proc.finish(options.timeoutMs);
}

export function assertNoStackTrace(stderr: string): void {
  assert.ok(!stderr.includes(STACK_FRAME), `stack trace on stderr:\n${stderr}`);
}

/** The exit code is `code` and stderr holds no stack trace. */
export function assertExit(result: SpoolResult, code: number, what = 'spool'): void {
  assert.equal(result.code, code, `${what}: expected exit ${code}, got ${result.code} (signal ${result.signal}); stderr: ${result.stderr}`);
  assertNoStackTrace(result.stderr);
}

/** A usage/runtime error: exactly one stderr line, starting `spool: `; returns it without newline. */
export function assertOneErrorLine(result: SpoolResult, code: number, what = 'spool'): string {
  assertExit(result, code, what);
  assert.match(result.stderr, /^spool: [^\n]+\n$/, `${what}: stderr is not one "spool: " line: ${JSON.stringify(result.stderr)}`);
  return result.stderr.slice(0, -1);
}

export function stdoutLines(result: SpoolResult): string[] {
  return textLines(result.stdout);
}

/** UTF-8 lines, without the newline after the last one. */
export function textLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}
