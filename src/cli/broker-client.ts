// Reaching the broker from a client command: connect to the socket and, when no broker answers,
// start one in the background (unless --no-autostart or SPOOL_AUTOSTART=0: then exit 3).
import { Connection } from '../client/connection.js';
import { BrokerUnavailableError } from '../common/errors.js';
import type { GlobalOptions } from './global-options.js';
import { processIo, type CliIo } from '../term/io.js';
import { withSpinner } from './spinner.js';

// ENOTDIR: the data dir is not a directory; starting a broker then fails with the clear reason.
const NO_LISTENER = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTDIR']);

export function isNoBrokerError(err: unknown): boolean {
  return NO_LISTENER.has((err as NodeJS.ErrnoException).code ?? '');
}

/** Connect without starting anything; null when no broker listens. */
export async function tryConnect(socketPath: string): Promise<Connection | null> {
  try {
    return await Connection.connect(socketPath);
  } catch (err) {
    if (isNoBrokerError(err)) return null;
    throw new BrokerUnavailableError(`cannot connect to the broker at ${socketPath}: ${(err as Error).message}`, err);
  }
}

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
    await launchBroker(globals);
    return waitForBroker(globals.socketPath, SOCKET_WAIT_MS);
  });
}

const SOCKET_WAIT_MS = 30_000;

/**
 * Connect, retrying while a broker that another command just launched is still recovering its
 * logs (its lock is taken before its socket listens).
 */
export async function waitForBroker(socketPath: string, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const connection = await tryConnect(socketPath);
    if (connection !== null) return connection;
    if (Date.now() > deadline) throw new BrokerUnavailableError(`the broker does not answer on ${socketPath}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
