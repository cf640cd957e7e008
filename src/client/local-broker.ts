// Reaching the local broker (SPEC §3 Autostart), for the CLI and the library alike: connect to
// the socket and, when no broker answers, start one in the background (unless autostart is off:
// then BrokerUnavailableError, exit 3). A broker found already holding the data directory but
// listening on another socket is named, with the --socket that reaches it.
import { join } from 'node:path';
import { isProcessAlive, liveLockOwner, type LockOwner } from '../broker/lock-file.js';
import { BrokerUnavailableError } from '../common/errors.js';
import { SOCKET_FILE, type Locations } from '../common/paths.js';
import type { Connection } from './connection.js';
import { tryConnect } from './try-connect.js';

export interface LocalBroker extends Locations {
  autostart: boolean;
}

/** Runs the start of a broker (the CLI shows a spinner meanwhile). */
export type StartWrapper = <T>(start: () => Promise<T>) => Promise<T>;

const SOCKET_WAIT_MS = 30_000;
const RETRY_MS = 50;

export async function connectToLocalBroker(broker: LocalBroker, wrapStart: StartWrapper = (start) => start()): Promise<Connection> {
  const existing = await tryConnect(broker.socketPath);
  if (existing !== null) return existing;
  if (!broker.autostart) {
    throw new BrokerUnavailableError(`no broker is running on ${broker.socketPath}; start one with "spool broker start" (autostart is off)`);
  }
  return wrapStart(async () => {
    // Loaded only to start a broker: child_process stays out of every client that finds one.
    const { launchBroker } = await import('./broker-launcher.js');
    const launched = await launchBroker(broker);
    if (launched.started) return waitForBroker(broker.socketPath, SOCKET_WAIT_MS, launched.pid);
    const { owner } = launched;
    if (owner.socket !== null && owner.socket !== broker.socketPath) {
      throw new BrokerUnavailableError(
        `no broker listens on ${broker.socketPath}; the broker of ${broker.dataDir} (pid ${owner.pid}) listens on ${owner.socket}: pass --socket ${owner.socket}`,
      );
    }
    return connectToOwner(broker.dataDir, owner, broker.socketPath, SOCKET_WAIT_MS);
  });
}

/**
 * Connect, retrying while a broker that another command just launched is still recovering its
 * logs (its lock is taken before its socket listens); with `pid`, only while that process runs.
 */
export async function waitForBroker(socketPath: string, timeoutMs: number, pid?: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const connection = await tryConnect(socketPath);
    if (connection !== null) return connection;
    if (pid !== undefined && !isProcessAlive(pid)) throw new BrokerUnavailableError(`the broker (pid ${pid}) exited before it answered on ${socketPath}`);
    if (Date.now() > deadline) throw new BrokerUnavailableError(`the broker does not answer on ${socketPath}`);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/**
 * Connect to the broker that holds `dataDir`'s lock, on the socket it listens on, waiting while
 * it is still starting and only while it runs. A lock that names no socket (from an older spool,
 * or taken a moment ago) is tried on `askedSocket` and the default socket, and read again.
 */
export async function connectToOwner(dataDir: string, owner: LockOwner, askedSocket: string, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (let current = owner; ; ) {
    const sockets = current.socket !== null ? [current.socket] : [...new Set([askedSocket, join(dataDir, SOCKET_FILE)])];
    for (const socket of sockets) {
      const connection = await tryConnect(socket);
      if (connection !== null) return connection;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    const next = liveLockOwner(dataDir);
    const where = sockets.join(' or ');
    if (next === null) throw new BrokerUnavailableError(`the broker of ${dataDir} (pid ${current.pid}) exited before it answered on ${where}`);
    if (Date.now() > deadline) throw new BrokerUnavailableError(`the broker of ${dataDir} (pid ${current.pid}) does not answer on ${where}`);
    current = next;
  }
}
