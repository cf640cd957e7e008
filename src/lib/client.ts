// SpoolClient: what connect() gives a program (SPEC §10). One target (client/target/) shared by
// everything made from it, as one CLI command shares it: producers, record streams and the
// topic and group administration. close() ends them all: streams commit and leave their
// groups, producers send what they hold.
import { BrokerUnavailableError } from '../common/errors.js';
import type { Target, TargetAdmin } from '../client/target/target.js';
import { Groups } from './groups.js';
import { Producer, type ProducerOptions } from './producer.js';
import { RecordStream, type ConsumeOptions } from './record-stream.js';
import { Topics } from './topics.js';

/** How long an admin call waits for a lost connection to come back before it fails. */
const ADMIN_RECONNECT_MS = 5000;

export class SpoolClient {
  readonly topics: Topics;
  readonly groups: Groups;
  readonly #target: Target;
  readonly #streams = new Set<RecordStream>();
  readonly #producers = new Set<Producer>();
  #closed = false;

  constructor(target: Target) {
    this.#target = target;
    const admin = () => this.#admin();
    this.topics = new Topics(admin);
    this.groups = new Groups(admin);
  }

  /** Where it is connected: the socket path (or a cluster's addresses). */
  get address(): string {
    return this.#target.address;
  }

  producer(options: ProducerOptions = {}): Producer {
    this.#checkOpen();
    const producer = new Producer(this.#target, options);
    this.#producers.add(producer);
    return producer;
  }

  /** Records of `topics` (names, or with a group also glob patterns), from the first pull on. */
  consume(topics: string | readonly string[], options: ConsumeOptions = {}): RecordStream {
    this.#checkOpen();
    const stream = new RecordStream(this.#target, topics, options, (closed) => this.#streams.delete(closed));
    this.#streams.add(stream);
    return stream;
  }

  /** Close every stream (committing) and producer (flushing), then the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await Promise.allSettled([...this.#streams].map((s) => s.close()));
      await Promise.allSettled([...this.#producers].map((p) => p.close()));
    } finally {
      await this.#target.close();
    }
  }

  /** The target's admin, after waiting (briefly) for a connection lost meanwhile to come back. */
  async #admin(): Promise<TargetAdmin> {
    this.#checkOpen();
    const lost = new BrokerUnavailableError(`lost the broker at ${this.#target.address}`);
    if (!(await this.#target.reconnect(lost, AbortSignal.timeout(ADMIN_RECONNECT_MS)))) {
      throw new BrokerUnavailableError(`lost the broker at ${this.#target.address} and it did not come back within ${ADMIN_RECONNECT_MS / 1000} s`);
    }
    return this.#target.admin;
  }

  #checkOpen(): void {
    if (this.#closed) throw new BrokerUnavailableError('the client is closed');
  }
}
