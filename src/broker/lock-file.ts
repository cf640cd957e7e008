// One broker per data directory: broker.lock is created exclusively and holds the owner's pid.
// A lock whose pid no longer runs is stale (the broker was killed) and is taken over. Beside it
// the owner writes broker.json, {"pid":N,"socket":PATH}, so that a second start (which may ask
// for another socket) can name the socket the running broker listens on; the lock stays the pid
// alone. broker.json counts only while its pid is the lock's: one left by a killed broker, or a
// lock without one (written by an older spool, or a broker that has just taken it), leaves the
// socket unknown.
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, LOCK_OWNER_FILE } from '../storage/file-names.js';

/** The broker holding a data directory's lock; `socket` null when it is not known. */
export interface LockOwner {
  pid: number;
  socket: string | null;
}

export type LockResult = { acquired: true; release: () => void } | { acquired: false; owner: LockOwner };

/** Whether `pid` is in the process table at all, zombies included. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` runs. A zombie (killed, not yet reaped by its parent) does not. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

export function readLockPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The live broker holding `dataDir`'s lock, or null when none runs. */
export function liveLockOwner(dataDir: string): LockOwner | null {
  const pid = readLockPid(dataDir);
  if (pid === null || !isProcessAlive(pid)) return null;
  return { pid, socket: readOwnerSocket(dataDir, pid) };
}

/** Take `dataDir`'s lock for a broker that will listen on `socketPath`. */
export function acquireLock(dataDir: string, socketPath: string): LockResult {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      writeOwner(dataDir, socketPath);
      return { acquired: true, release: () => releaseLock(dataDir) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readLockPid(dataDir);
    if (owner !== null && owner !== process.pid && isProcessAlive(owner)) return { acquired: false, owner: { pid: owner, socket: readOwnerSocket(dataDir, owner) } };
    // Stale (or half-written by a broker that died starting): remove and try again.
    try {
      unlinkSync(path);
    } catch {
      // Another starter removed it first; the next attempt sorts out who wins.
    }
  }
  const pid = readLockPid(dataDir) ?? 0;
  return { acquired: false, owner: { pid, socket: readOwnerSocket(dataDir, pid) } };
}

/** Written whole under a temporary name and renamed, so a reader never sees half of it. */
function writeOwner(dataDir: string, socketPath: string): void {
  const path = join(dataDir, LOCK_OWNER_FILE);
  const temporary = `${path}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ pid: process.pid, socket: socketPath }) + '\n', { mode: 0o600 });
  renameSync(temporary, path);
}

function readOwnerSocket(dataDir: string, pid: number): string | null {
  try {
    const owner = JSON.parse(readFileSync(join(dataDir, LOCK_OWNER_FILE), 'utf8')) as { pid?: unknown; socket?: unknown };
    return owner.pid === pid && typeof owner.socket === 'string' ? owner.socket : null;
  } catch {
    return null;
  }
}

function releaseLock(dataDir: string): void {
  const ours = (path: string, read: (text: string) => unknown) => {
    try {
      return read(readFileSync(path, 'utf8')) === process.pid;
    } catch {
      return false; // already gone, or not ours to judge
    }
  };
  const ownerPath = join(dataDir, LOCK_OWNER_FILE);
  const lockPath = join(dataDir, LOCK_FILE);
  if (ours(ownerPath, (text) => (JSON.parse(text) as { pid?: unknown }).pid)) removeFile(ownerPath);
  if (ours(lockPath, (text) => Number(text.trim()))) removeFile(lockPath);
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
