// Reaching a broker's socket without starting one: null when nothing listens there.
import { BrokerUnavailableError } from '../common/errors.js';
import { Connection } from './connection.js';

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
