// A command's way to the broker, kept across a broker restart. `consume` and `tail` that lose
// their connection (the broker was stopped, restarted or killed) wait for a broker to listen on
// the socket again and go on from where they were, as `tail -F` waits for a file to come back;
// `produce` waits as long as --reconnect-timeout-ms and sends its unacknowledged batches again.
// They do not start one themselves: a broker stopped on purpose stays stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin } from '../client/admin.js';
import type { Connection } from '../client/connection.js';
import { BrokerUnavailableError, errorMessage } from '../common/errors.js';
import { connectToBroker, tryConnect } from './broker-client.js';
import type { GlobalOptions } from './global-options.js';
import type { CliIo } from '../term/io.js';

const RECONNECT_INTERVAL_MS = 250;

export type LinkEvent = { kind: 'lost'; reason: string } | { kind: 'back' };

export class BrokerLink {
  readonly #socketPath: string;
  #connection: Connection;
  #admin: Admin;
  /** Told when the broker is lost and when it is back: stderr lines, unless a live view shows it. */
  onEvent: (event: LinkEvent) => void;

  private constructor(socketPath: string, connection: Connection, stderr: CliIo['stderr']) {
    this.#socketPath = socketPath;
    this.#connection = connection;
    this.#admin = new Admin(connection);
    this.onEvent = (event) =>
      stderr.write(
        event.kind === 'lost'
          ? `spool: lost the broker (${event.reason}); waiting for it to come back (Ctrl-C stops)\n`
          : 'spool: the broker is back; going on\n',
      );
  }

  /** Connect as every client command does (autostart included). */
  static async open(globals: GlobalOptions, io: CliIo): Promise<BrokerLink> {
    return new BrokerLink(globals.socketPath, await connectToBroker(globals, io), io.stderr);
  }

  get connection(): Connection {
    return this.#connection;
  }

  get admin(): Admin {
    return this.#admin;
  }

  /**
   * After `lost` ended the connection: wait until a broker answers again and switch to the new
   * connection. False when `signal` aborted the wait. An error from a connection already
   * replaced (a request sent before the switch failing late) changes nothing.
   */
  async reconnect(lost: BrokerUnavailableError, signal: AbortSignal): Promise<boolean> {
    if (!this.#connection.closed) return true;
    this.onEvent({ kind: 'lost', reason: errorMessage(lost) });
    for (;;) {
      if (signal.aborted) return false;
      const connection = await tryConnect(this.#socketPath);
      if (connection !== null && (await answers(connection, signal))) {
        this.#connection = connection;
        this.#admin = new Admin(connection);
        this.onEvent({ kind: 'back' });
        return true;
      }
      await sleep(RECONNECT_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  close(): void {
    this.#connection.close();
  }
}

/**
 * A connection is not yet a broker: the listening socket of a broker killed a moment ago can still
 * take a connection into its backlog while the kernel releases it, and then reset it. Only a broker
 * that answers a request is back. False (and the connection closed) otherwise, or when `signal`
 * aborts the wait for the answer.
 */
async function answers(connection: Connection, signal: AbortSignal): Promise<boolean> {
  let onAbort = () => {};
  // Closing drops the request unanswered, so the abort settles the wait itself.
  const aborted = new Promise<false>((resolve) => (onAbort = () => resolve(false)));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    const answered = await Promise.race([
      new Admin(connection).brokerStatus().then(
        () => true,
        () => false,
      ),
      aborted,
    ]);
    if (!answered) connection.close();
    return answered;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The connection to the broker ended (as opposed to the broker refusing a request). */
export function isConnectionLost(err: unknown): err is BrokerUnavailableError {
  return err instanceof BrokerUnavailableError;
}
