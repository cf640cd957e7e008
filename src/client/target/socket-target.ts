// SocketTarget: the local broker over its Unix socket (SPEC §3), as a Target. It keeps one
// Connection and, across a broker restart, the way back to it: reconnect() waits for a broker to
// answer on the same socket again, and what is made afterwards (producers resending, fetchers,
// group members) uses the new connection. It never starts a broker itself: one stopped on
// purpose stays stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../common/error-codes.js';
import { BrokerError, BrokerUnavailableError, errorMessage } from '../../common/errors.js';
import type { BatchProducer } from '../../records/batch-builder.js';
import { Admin } from '../admin.js';
import type { Connection } from '../connection.js';
import { Consumer, type ConsumerOptions } from '../consumer.js';
import { GroupMembership, type MembershipOptions } from '../group-membership.js';
import { Producer } from '../producer.js';
import { tryConnect } from '../try-connect.js';
import type { GroupMember, RecordFetcher, RecordProducer, RecordProducerOptions, Target, TargetEvent } from './target.js';

const RECONNECT_INTERVAL_MS = 250;

export class SocketTarget implements Target {
  readonly address: string;
  #connection: Connection;
  #admin: Admin;
  onEvent: (event: TargetEvent) => void = () => {};

  constructor(socketPath: string, connection: Connection) {
    this.address = socketPath;
    this.#connection = connection;
    this.#admin = new Admin(connection);
  }

  get connection(): Connection {
    return this.#connection;
  }

  get admin(): Admin {
    return this.#admin;
  }

  async producer(options: RecordProducerOptions): Promise<RecordProducer> {
    const identity = await producerIdentity(this.#admin);
    return new Producer(this.#connection, {
      topic: options.topic,
      partitions: options.partitions,
      lingerMs: options.lingerMs,
      batchBytes: options.batchBytes,
      maxInFlight: options.maxInFlight,
      durable: options.durable,
      compression: options.compression,
      ...(options.memory === undefined ? {} : { memory: options.memory }),
      ...(options.onAck === undefined ? {} : { onAck: options.onAck }),
      ...(identity === null ? {} : { producer: identity }),
      // Resending needs sequences (a batch sent twice is then stored once); reconnect timeout 0
      // fails the run at once.
      ...(identity === null || options.reconnectTimeoutMs === 0 ? {} : { reconnect: this.#reconnector(options.reconnectTimeoutMs) }),
    });
  }

  fetcher(options: ConsumerOptions): RecordFetcher {
    return new Consumer(this.#connection, options);
  }

  groupMember(options: MembershipOptions): GroupMember {
    return new GroupMembership(this.#connection, options);
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
      const connection = await tryConnect(this.address);
      if (connection !== null && (await answers(connection, signal))) {
        this.#connection = connection;
        this.#admin = new Admin(connection);
        this.onEvent({ kind: 'back' });
        return true;
      }
      await sleep(RECONNECT_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    this.#connection.close();
    return Promise.resolve();
  }

  /** The producer's way back to a broker that went away: the same socket, within the timeout. */
  #reconnector(timeoutMs: number): (lost: BrokerUnavailableError) => Promise<Connection> {
    return async (lost) => {
      if (await this.reconnect(lost, AbortSignal.timeout(timeoutMs))) return this.#connection;
      throw new BrokerUnavailableError(`lost the broker (${errorMessage(lost)}) and it did not come back within ${timeoutMs / 1000} s`);
    };
  }
}

/**
 * An id and epoch for the producer; null from a broker too old to hand them out (its batches then
 * go without sequences, and a lost connection fails the run instead of sending them again).
 */
async function producerIdentity(admin: Admin): Promise<BatchProducer | null> {
  try {
    return await admin.initProducerId({ producerId: -1, producerEpoch: -1 });
  } catch (err) {
    if (err instanceof BrokerError && err.code === ErrorCode.InvalidRequest) return null;
    throw err;
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
