// The following part of `spool tail`: one Consumer assigned to every partition of the matched
// topics, its fetches long polls that the broker answers when an append wakes them. Every
// `refreshMs` one Metadata request re-resolves the topic patterns (a control request, not log
// polling): topics created later and partitions added later are assigned from their log start,
// deleted topics are dropped. With `trackEnds` the same refresh reads the log end offsets, so the
// lag of idle partitions stays right too. A lost broker is waited for (Target.reconnect); following
// then goes on from the same positions, and the next refresh picks up what changed meanwhile.
import type { FetchedPartition, PartitionPosition } from '../../client/consumer.js';
import type { RecordFetcher, Target } from '../../client/target/target.js';
import { ErrorCode } from '../../common/error-codes.js';
import { BrokerError } from '../../common/errors.js';
import { isConnectionLost } from '../open-target.js';
import { FETCH_MAX_BYTES, FETCH_MAX_WAIT_MS, PARTITION_MAX_BYTES } from '../../client/reading/read-partitions.js';

export const REFRESH_MS = 2000;

export interface FollowOptions {
  target: Target;
  /** Topic names and glob patterns, as given. */
  patterns: readonly string[];
  /** Where each partition known at the start continues (the log ends after the history). */
  start: readonly PartitionPosition[];
  /** Hand over one partition's fetched data; may wait (backpressure). */
  onData: (data: FetchedPartition) => Promise<void>;
  /** True when nothing more can be written (stdout closed): following stops. */
  done?: () => boolean;
  /** Told when a position was moved because the log no longer holds it. */
  onOffsetReset?: (topic: string, partition: number, from: number, to: number) => void;
  trackEnds?: boolean;
  refreshMs?: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class Follower {
  readonly #options: FollowOptions;
  #consumer: RecordFetcher;
  /** Partitions followed per topic. */
  readonly #known = new Map<string, number>();
  /** Latest log end offset (high watermark) per partition. */
  readonly #ends = new Map<string, number>();
  #wake: (() => void) | null = null;
  #refreshError: unknown = null;
  #refreshChain: Promise<void> = Promise.resolve();

  constructor(options: FollowOptions) {
    this.#options = options;
    this.#consumer = this.#newConsumer();
    for (const position of options.start) {
      this.#consumer.assign(position);
      this.#ends.set(key(position.topic, position.partition), position.offset);
      this.#known.set(position.topic, Math.max(this.#known.get(position.topic) ?? 0, position.partition + 1));
    }
  }

  /** Records in the log not yet fetched, over every followed partition. */
  get lag(): number {
    let lag = 0;
    for (const p of this.#consumer.assignment()) lag += Math.max(0, (this.#ends.get(key(p.topic, p.partition)) ?? p.offset) - p.offset);
    return lag;
  }

  get topics(): string[] {
    return [...this.#known.keys()];
  }

  get partitions(): number {
    return this.#consumer.assignment().length;
  }

  /** Follow until `signal` aborts or `done()`; throws what the broker or a refresh failed with. */
  async run(signal: AbortSignal): Promise<void> {
    const { done = () => false, onData } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = () => {
      timer = setTimeout(() => {
        // Not awaited: a failed refresh is handed to the loop through #refreshError. Refreshes
        // go on after a lost connection, to pick up what changed while the broker was away.
        void this.refresh().then(
          () => {
            if (!stopped) schedule();
          },
          (err: unknown) => {
            this.#refreshError = err;
            this.#wake?.();
            if (!stopped && isConnectionLost(err)) schedule();
          },
        );
      }, this.#options.refreshMs ?? REFRESH_MS);
    };
    const onAbort = () => this.#wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    schedule();
    try {
      while (!signal.aborted && !done()) {
        let fetched: FetchedPartition[] | null;
        try {
          const refreshError = this.#refreshError;
          this.#refreshError = null;
          if (refreshError !== null) throw refreshError;
          if (this.#consumer.assignment().length === 0) {
            await new Promise<void>((resolve) => (this.#wake = resolve));
            this.#wake = null;
            continue;
          }
          fetched = await unlessAborted(this.#consumer.poll(), signal);
        } catch (err) {
          if (signal.aborted) return;
          if (isConnectionLost(err)) {
            if (!(await this.#options.target.reconnect(err, signal))) return;
          } else if (err instanceof BrokerError && err.code === ErrorCode.UnknownTopicOrPartition) {
            // A topic deleted while followed: drop it (the refresh sees it gone) and go on.
            await this.refresh();
          } else {
            throw err;
          }
          this.#consumer = this.#rebuild(this.#consumer);
          continue;
        }
        if (fetched === null) return;
        for (const data of fetched) {
          this.#ends.set(key(data.topic, data.partition), data.highWatermark);
          await onData(data);
          if (done() || signal.aborted) return;
        }
      }
    } finally {
      stopped = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Re-resolve the patterns: assign new topics and partitions from their start, drop deleted ones.
   * Refreshes run one after another, never interleaved.
   */
  refresh(): Promise<void> {
    const run = this.#refreshChain.then(() => this.#refresh());
    this.#refreshChain = run.catch(() => undefined);
    return run;
  }

  async #refresh(): Promise<void> {
    const { target, patterns } = this.#options;
    const admin = target.admin;
    const metadata = await admin.metadata({ topics: [...patterns] });
    let changed = false;
    const present = new Map(metadata.topics.map((t) => [t.name, t.partitions]));
    for (const [topic, partitions] of this.#known) {
      if (present.has(topic)) continue;
      for (let p = 0; p < partitions; p++) {
        this.#consumer.unassign(topic, p);
        this.#ends.delete(key(topic, p));
      }
      this.#known.delete(topic);
      changed = true;
    }
    for (const topic of metadata.topics) {
      const had = this.#known.get(topic.name) ?? 0;
      const added = topic.partitions > had;
      if (!added && !this.#options.trackEnds) continue;
      const offsets = await admin.listOffsets({ topic: topic.name });
      for (const o of offsets) {
        this.#ends.set(key(topic.name, o.partition), o.logEndOffset);
        if (o.partition >= had && this.#consumer.position(topic.name, o.partition) === undefined) {
          this.#consumer.assign({ topic: topic.name, partition: o.partition, offset: o.logStartOffset });
        }
      }
      if (added) {
        this.#known.set(topic.name, topic.partitions);
        changed = true;
      }
    }
    if (changed) this.#wake?.();
  }

  #newConsumer(): RecordFetcher {
    return this.#options.target.fetcher({
      maxWaitMs: FETCH_MAX_WAIT_MS,
      maxBytes: FETCH_MAX_BYTES,
      partitionMaxBytes: PARTITION_MAX_BYTES,
      ...(this.#options.onOffsetReset === undefined ? {} : { onOffsetReset: this.#options.onOffsetReset }),
    });
  }

  /** A fresh consumer at the old one's positions (a failed fetch leaves a consumer unusable). */
  #rebuild(old: RecordFetcher): RecordFetcher {
    const consumer = this.#newConsumer();
    for (const position of old.assignment()) consumer.assign(position);
    return consumer;
  }
}

/**
 * `promise`, or null as soon as `signal` aborts: a long poll in flight is let go of, not waited
 * for. (Not Promise.race with one long-lived abort promise: every race would stay attached to it,
 * and with it every fetched response, until the abort.)
 */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
