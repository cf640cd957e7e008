// One broker per data directory: broker.lock is created exclusively and holds the owner's pid.
// A lock whose pid no longer runs is stale (the broker was killed) and is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE } from '../storage/file-names.js';

export type LockResult = { acquired: true; release: () => void } | { acquired: false; ownerPid: number };

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

export function acquireLock(dataDir: string): LockResult {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { acquired: true, release: () => releaseLock(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readLockPid(dataDir);
    if (owner !== null && owner !== process.pid && isProcessAlive(owner)) return { acquired: false, ownerPid: owner };
    // Stale (or half-written by a broker that died starting): remove and try again.
    try {
      unlinkSync(path);
    } catch {
      // Another starter removed it first; the next attempt sorts out who wins.
    }
  }
  return { acquired: false, ownerPid: readLockPid(dataDir) ?? 0 };
}

function releaseLock(path: string): void {
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
  } catch {
    // Already gone.
  }
}
