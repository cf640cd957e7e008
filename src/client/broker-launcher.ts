// Starting the broker in the background (`spool broker start`, and autostart from any client
// command): spawn the broker's own process detached (bin/spool-broker.cjs: what `spool broker start
// --foreground` runs, without loading the commands), its output appended to broker.log, and wait
// for it to say on a pipe (its descriptor 3, named by SPOOL_LAUNCHER_FD) that its socket accepts
// connections: one JSON line. Not Node's IPC channel, whose set-up (and node:v8, for its
// serialization) cost both processes some 12 ms of the start. A broker that already holds the data
// directory is the answer instead, whatever socket was asked for; a daemon that exits first is
// reported at once with the last line it logged.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ensureDir } from '../common/ensure-dir.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveLockOwner, type LockOwner } from '../broker/lock-file.js';
import { SpoolError, errorMessage } from '../common/errors.js';
import type { Locations } from '../common/paths.js';
import { BROKER_LOG_FILE } from '../storage/file-names.js';

/** The launcher's end of the pipe, as the broker's process sees it (its descriptor 3). */
const LAUNCHER_FD_ENV = 'SPOOL_LAUNCHER_FD';
const LAUNCHER_FD = 3;
/** A message is one short JSON line; more than this is not one. */
const MESSAGE_MAX_BYTES = 4096;

/** What the foreground broker sends its launcher, one JSON line. */
export type LauncherMessage =
  | { kind: 'ready'; pid: number; kafka: string | null; metrics: string | null }
  | { kind: 'already-running'; pid: number; socket: string | null };

/** `kafka`: the Kafka listener's bound address, `metrics` the metrics URL, when the started broker has them. */
export type LaunchResult = { started: true; pid: number; kafka: string | null; metrics: string | null } | { started: false; owner: LockOwner };

const START_TIMEOUT_MS = 30_000;
/** The reason a daemon gives is its last log line; a longer tail than that is never needed. */
const LOG_TAIL_BYTES = 4096;
const LAUNCHER = fileURLToPath(new URL('../../../bin/spool-broker.cjs', import.meta.url));

export async function launchBroker(locations: Locations, brokerArgs: readonly string[] = []): Promise<LaunchResult> {
  try {
    ensureDir(locations.dataDir);
  } catch (err) {
    throw new SpoolError(`cannot create data directory ${locations.dataDir}: ${errorMessage(err)}`);
  }
  const running = liveLockOwner(locations.dataDir);
  if (running !== null) return { started: false, owner: running };
  const logPath = join(locations.dataDir, BROKER_LOG_FILE);
  const logFd = openSync(logPath, 'a', 0o600);
  // Where this daemon's own lines start: an earlier broker's last words are not its reason.
  const logStart = fstatSync(logFd).size;
  const args = [LAUNCHER, '--data-dir', locations.dataDir, '--socket', locations.socketPath, ...brokerArgs];
  // No V8 flags on the command line: even one makes Node compile its own modules without their code
  // cache, a slower start (the memory pacer sets --expose-gc at run time instead).
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'pipe'],
    env: brokerEnv(process.env),
  });
  closeSync(logFd);
  const pipe = child.stdio[LAUNCHER_FD] as Readable;
  let timer: NodeJS.Timeout | undefined;
  try {
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const failed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SpoolError(`the broker did not start within ${START_TIMEOUT_MS / 1000} s; see ${logPath}`)), START_TIMEOUT_MS);
      child.once('error', (err) => reject(new SpoolError(`cannot start the broker: ${err.message}`)));
    });
    const message = await Promise.race([readMessage(pipe), failed]);
    if (message !== null) {
      return message.kind === 'ready'
        ? { started: true, pid: message.pid, kafka: message.kafka, metrics: message.metrics }
        : { started: false, owner: { pid: message.pid, socket: message.socket } };
    }
    // The pipe closed without a word: the process is gone.
    const { code, signal } = await Promise.race([exited, failed]);
    // It lost the lock to a broker another command started meanwhile: that one is the answer.
    const owner = liveLockOwner(locations.dataDir);
    if (owner !== null && owner.pid !== child.pid) return { started: false, owner };
    const how = code !== null ? `code ${code}` : `signal ${signal}`;
    throw new SpoolError(`the broker exited (${how}) before it accepted connections: ${lastLogLine(logPath, logStart)}`);
  } finally {
    clearTimeout(timer);
    child.removeAllListeners();
    pipe.destroy();
    child.unref();
  }
}

/** The first line on the pipe, parsed; null when it closes before a whole line. */
function readMessage(pipe: Readable): Promise<LauncherMessage | null> {
  return new Promise((resolve) => {
    let text = '';
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end !== -1) resolve(parseMessage(text.slice(0, end)));
      else if (text.length > MESSAGE_MAX_BYTES) resolve(null);
    });
    pipe.once('close', () => resolve(null));
    pipe.once('error', () => resolve(null));
  });
}

function parseMessage(line: string): LauncherMessage | null {
  try {
    const message = JSON.parse(line) as LauncherMessage;
    return message.kind === 'ready' || message.kind === 'already-running' ? message : null;
  } catch {
    return null;
  }
}

function brokerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // One malloc arena: the broker's allocations (socket reads, fetch buffers, SQLite) come from
  // its main thread, and glibc's per-thread arenas only fragment them (about 5 MB more RSS).
  const brokerEnv: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '1', ...env, SPOOL_LAUNCHED: '1', [LAUNCHER_FD_ENV]: String(LAUNCHER_FD) };
  // The broker opens no TLS connection, and Node parses the extra CA file at start-up, before any
  // code runs (a system bundle: 80 % of a bare Node start).
  delete brokerEnv.NODE_EXTRA_CA_CERTS;
  return brokerEnv;
}

/** The last line written to the log from byte `start` on, without the logger's time and level. */
function lastLogLine(path: string, start: number): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const end = fstatSync(fd).size;
      const from = Math.max(start, end - LOG_TAIL_BYTES);
      const buffer = Buffer.alloc(end - from);
      readSync(fd, buffer, 0, buffer.length, from);
      const lines = buffer.toString('utf8').trimEnd().split('\n');
      const last = (lines[lines.length - 1] ?? '').replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z (?:DEBUG|INFO|WARN|ERROR) +/, '').replace(/^spool: /, '');
      return last === '' ? `it logged nothing; see ${path}` : last;
    } finally {
      closeSync(fd);
    }
  } catch {
    return `see ${path}`;
  }
}
