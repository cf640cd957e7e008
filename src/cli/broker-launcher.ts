// Starting the broker in the background (`spool broker start`, and autostart from any client
// command): spawn `spool broker start --foreground` detached, its output appended to broker.log,
// and wait for it to say over an IPC channel that its socket accepts connections.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { ensureDir } from '../common/ensure-dir.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpoolError, errorMessage } from '../common/errors.js';
import type { Locations } from '../common/paths.js';
import { BROKER_LOG_FILE } from '../storage/file-names.js';

/** What the foreground broker sends its launcher over IPC. */
export type LauncherMessage = { kind: 'ready'; pid: number } | { kind: 'already-running'; pid: number };

export interface LaunchResult {
  pid: number;
  alreadyRunning: boolean;
}

const START_TIMEOUT_MS = 30_000;
const LAUNCHER = fileURLToPath(new URL('../../../bin/spool.js', import.meta.url));

export async function launchBroker(locations: Locations, brokerArgs: readonly string[] = []): Promise<LaunchResult> {
  try {
    ensureDir(locations.dataDir);
  } catch (err) {
    throw new SpoolError(`cannot create data directory ${locations.dataDir}: ${errorMessage(err)}`);
  }
  const logPath = join(locations.dataDir, BROKER_LOG_FILE);
  const logFd = openSync(logPath, 'a', 0o600);
  const args = [LAUNCHER, 'broker', 'start', '--foreground', '--data-dir', locations.dataDir, '--socket', locations.socketPath, ...brokerArgs];
  // No V8 flags on the command line: any makes Node compile its own modules without their code
  // cache, a slower start (the memory pacer sets --expose-gc at run time instead).
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: brokerEnv(process.env),
  });
  closeSync(logFd);
  try {
    return await new Promise<LaunchResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SpoolError(`the broker did not start within ${START_TIMEOUT_MS / 1000} s; see ${logPath}`)), START_TIMEOUT_MS);
      child.once('message', (message: LauncherMessage) => {
        clearTimeout(timer);
        resolve({ pid: message.pid, alreadyRunning: message.kind === 'already-running' });
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new SpoolError(`the broker exited (code ${code}) before it was ready: ${lastLogLine(logPath)}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new SpoolError(`cannot start the broker: ${err.message}`));
      });
    });
  } finally {
    child.removeAllListeners();
    if (child.connected) child.disconnect();
    child.unref();
  }
}

function brokerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // One malloc arena: the broker's allocations (socket reads, fetch buffers, SQLite) come from
  // its main thread, and glibc's per-thread arenas only fragment them (about 5 MB more RSS).
  const brokerEnv: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '1', ...env, SPOOL_LAUNCHED: '1' };
  // The broker opens no TLS connection, and Node parses the extra CA file at start-up, before any
  // code runs (a system bundle: 80 % of a bare Node start).
  delete brokerEnv.NODE_EXTRA_CA_CERTS;
  return brokerEnv;
}

function lastLogLine(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    return (lines[lines.length - 1] ?? '').replace(/^\S+ \w+\s+/, '') || `see ${path}`;
  } catch {
    return `see ${path}`;
  }
}
