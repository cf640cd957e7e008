// Reaching the broker from a client command: connect to the socket and, when no broker answers,
// start one in the background (unless --no-autostart or SPOOL_AUTOSTART=0: then exit 3). A
// broker found already holding the data directory but listening on another socket is named,
// with the --socket that reaches it (exit 3).
import { join } from 'node:path';
import { isProcessAlive, liveLockOwner, type LockOwner } from '../broker/lock-file.js';
import type { Connection } from '../client/connection.js';
import { tryConnect } from '../client/try-connect.js';
import { BrokerUnavailableError } from '../common/errors.js';
import { SOCKET_FILE } from '../common/paths.js';
import type { GlobalOptions } from './global-options.js';
import { processIo, type CliIo } from '../term/io.js';
import { withSpinner } from './spinner.js';

export { isNoBrokerError, tryConnect } from '../client/try-connect.js';

/** `io` is where the autostart spinner goes (stderr, only on a terminal). */
export async function connectToBroker(globals: GlobalOptions, io: CliIo = processIo()): Promise<Connection> {
  const existing = await tryConnect(globals.socketPath);
  if (existing !== null) return existing;
  if (!globals.autostart) {
    throw new BrokerUnavailableError(
      `no broker is running on ${globals.socketPath}; start one with "spool broker start" (autostart is off)`,
    );
  }
  return withSpinner(io, `starting the broker (${globals.dataDir})`, { quiet: globals.quiet }, async () => {
    // Loaded only to start a broker: child_process stays out of every command that finds one.
    const { launchBroker } = await import('./broker-launcher.js');
    const launched = await launchBroker(globals);
    if (launched.started) return waitForBroker(globals.socketPath, SOCKET_WAIT_MS, launched.pid);
    const { owner } = launched;
    if (owner.socket !== null && owner.socket !== globals.socketPath) {
      throw new BrokerUnavailableError(
        `no broker listens on ${globals.socketPath}; the broker of ${globals.dataDir} (pid ${owner.pid}) listens on ${owner.socket}: pass --socket ${owner.socket}`,
      );
    }
    return connectToOwner(globals.dataDir, owner, globals.socketPath, SOCKET_WAIT_MS);
  });
}

const SOCKET_WAIT_MS = 30_000;
const RETRY_MS = 50;

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
