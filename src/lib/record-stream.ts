// client.consume() (SPEC §10): an AsyncIterable of records over the read loops that `spool
// consume` runs (client/reading/), with the program's loop as their sink. The read starts at the
// first pull. With a group, what the loop has received is committed as the CLI commits: every
// commit interval, on a rebalance and at the end (break, close(), the end of what was asked).
import { hostname } from 'node:os';
import { OffsetTracker } from '../client/reading/offset-tracker.js';
import { readAsGroup, type GroupSettings } from '../client/reading/group-reader.js';
import { readPartitions } from '../client/reading/read-partitions.js';
import { resolveTopics, startPositions, type PositionOptions } from '../client/reading/start-positions.js';
import type { Target } from '../client/target/target.js';
import { UsageError } from '../common/errors.js';
import { isGlob } from '../common/glob.js';
import { parseOffsetSpec, parseUntilSpec, type OffsetSpec } from '../common/offset-spec.js';
import { libraryError } from './errors.js';
import { checkGroupName, checkTopicName } from './names.js';
import { RecordChannel } from './record-channel.js';
import type { ConsumedRecord } from './records.js';

/** An offset position as `-o/--from` takes it, or a number (N; -N: N before the end) or a Date. */
export type Position = string | number | Date;

export interface ConsumeOptions {
  /**
   * Where to start: `beginning` (default without a group), `end`, `stored` (default with a
   * group), N, -N (N before the end of each partition), `@TIME` (ISO-8601, epoch ms or a
   * duration ago: `@10m`), a number, or a Date.
   */
  from?: Position;
  /** Stop before offset N or before the first record at or after `@TIME` (or a Date). */
  until?: Position;
  /** Join this consumer group: partitions are shared with its other members, offsets committed. */
  group?: string;
  /** Stop at the end offsets seen at the start instead of following (`-e`). */
  exitAtEnd?: boolean;
  /** Only these partitions (without a group). */
  partitions?: number[];
  /** With a group and no committed offset: `earliest` (default) or `latest`. */
  reset?: 'earliest' | 'latest';
  /** With a group: commit at least this often (default 1000). */
  commitIntervalMs?: number;
  /** With a group: how long the broker waits for a silent member (default 10000). */
  sessionTimeoutMs?: number;
}

const DEFAULT_COMMIT_INTERVAL_MS = 1000;
const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

/** The records of `client.consume()`: iterate with `for await`; `break` closes it. */
export class RecordStream implements AsyncIterableIterator<ConsumedRecord> {
  readonly #target: Target;
  readonly #topics: string[];
  readonly #positions: PositionOptions;
  readonly #group: GroupSettings | null;
  readonly #channel: RecordChannel;
  readonly #tracker = new OffsetTracker();
  readonly #stopping = new AbortController();
  readonly #onClosed: (stream: RecordStream) => void;
  #reading: Promise<void> | null = null;

  /** Checks every option at once (a UsageError before anything is sent); reads from the first pull. */
  constructor(target: Target, topics: string | readonly string[], options: ConsumeOptions, onClosed: (stream: RecordStream) => void) {
    const list = typeof topics === 'string' ? [topics] : [...topics];
    if (list.length === 0) throw new UsageError('give at least one topic to consume');
    const group = options.group === undefined ? null : checkGroupName(options.group);
    // A group subscribes by name or glob ('logs.*'), as `spool consume -g` does.
    for (const topic of list) if (group === null || !isGlob(topic)) checkTopicName(topic);
    if (group !== null && options.partitions !== undefined) {
      throw new UsageError('partitions cannot be combined with group: the group assigns partitions to its members');
    }
    const now = Date.now();
    const from = positionSpec(options.from ?? (group !== null ? 'stored' : 'beginning'), now, 'from');
    if (from.kind === 'stored' && group === null) throw new UsageError('from: "stored" needs a group');
    const until = options.until === undefined ? null : untilSpec(options.until, now);
    this.#target = target;
    this.#topics = [...new Set(list)];
    this.#positions = { from, until, exitAtEnd: options.exitAtEnd === true, partitions: partitionList(options.partitions) };
    this.#group = group === null ? null : groupSettings(group, options);
    this.#channel = new RecordChannel({
      untilTimestamp: until?.kind === 'timestamp' ? until.timestampMs : null,
      ...(group === null ? {} : { onTaken: (topic: string, partition: number, nextOffset: number) => this.#tracker.written({ topic, partition }, nextOffset) }),
    });
    this.#onClosed = onClosed;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ConsumedRecord, undefined>> {
    this.#reading ??= this.#read();
    return this.#channel.next();
  }

  /** Leaving a `for await` loop (break, return, throw) closes the stream. */
  async return(): Promise<IteratorResult<ConsumedRecord, undefined>> {
    await this.close();
    return { done: true, value: undefined };
  }

  /** Hand out no records until resume(); fetching stops, a group membership stays. */
  pause(): void {
    this.#channel.pause();
  }

  resume(): void {
    this.#channel.resume();
  }

  get paused(): boolean {
    return this.#channel.paused;
  }

  /**
   * Stop reading; with a group, commit what the loop has received and leave the group. Resolves
   * once that is done; the loop then ends.
   */
  async close(): Promise<void> {
    this.#channel.close();
    this.#stopping.abort();
    try {
      await this.#reading;
    } finally {
      this.#onClosed(this);
    }
  }

  async #read(): Promise<void> {
    try {
      const signal = this.#stopping.signal;
      const onOffsetReset = () => {};
      if (this.#group !== null) {
        const options = {
          topics: this.#topics,
          positions: this.#positions,
          group: this.#group,
          clientId: `spool-lib-${hostname()}-${process.pid}`,
          onOffsetReset,
        };
        await readAsGroup(this.#target, options, this.#channel, this.#tracker, signal);
      } else {
        const topics = await resolveTopics(this.#target.admin, this.#topics);
        const positions = await startPositions(this.#target.admin, topics, this.#positions);
        await readPartitions(this.#target, positions, this.#channel, signal, { onOffsetReset });
      }
      this.#channel.end(null);
    } catch (err) {
      // Stopped while a lost broker was waited for: a clean end.
      this.#channel.end(this.#stopping.signal.aborted ? null : libraryError(err));
    }
  }
}

function positionSpec(position: Position, now: number, what: string): OffsetSpec {
  if (position instanceof Date) return { kind: 'timestamp', timestampMs: dateMs(position, what) };
  if (typeof position === 'number') {
    if (!Number.isSafeInteger(position)) throw new UsageError(`invalid ${what} value ${position}: use an integer offset`);
    return position < 0 ? { kind: 'fromEnd', count: -position } : { kind: 'absolute', offset: position };
  }
  if (typeof position !== 'string') throw new UsageError(`invalid ${what} value ${String(position)}: use a string, a number or a Date`);
  return parseOffsetSpec(position, now, what);
}

function untilSpec(position: Position, now: number): OffsetSpec {
  if (position instanceof Date) return { kind: 'timestamp', timestampMs: dateMs(position, 'until') };
  if (typeof position === 'number') {
    if (!Number.isSafeInteger(position) || position < 0) throw new UsageError(`invalid until value ${position}: use a non-negative integer offset`);
    return { kind: 'absolute', offset: position };
  }
  if (typeof position !== 'string') throw new UsageError(`invalid until value ${String(position)}: use a string, a number or a Date`);
  return parseUntilSpec(position, now, 'until');
}

function dateMs(date: Date, what: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new UsageError(`invalid ${what} value: the Date is invalid`);
  return Math.max(0, ms);
}

function partitionList(partitions: readonly number[] | undefined): number[] | null {
  if (partitions === undefined) return null;
  for (const p of partitions) {
    if (!Number.isSafeInteger(p) || p < 0) throw new UsageError(`invalid partition ${String(p)}: use a non-negative integer`);
  }
  return [...new Set(partitions)];
}

function groupSettings(group: string, options: ConsumeOptions): GroupSettings {
  const reset = options.reset ?? 'earliest';
  if (reset !== 'earliest' && reset !== 'latest') throw new UsageError(`invalid reset value "${String(reset)}": use earliest or latest`);
  return {
    group,
    reset,
    commitIntervalMs: positiveInt(options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS, 'commitIntervalMs'),
    sessionTimeoutMs: positiveInt(options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS, 'sessionTimeoutMs'),
  };
}

function positiveInt(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`invalid ${what} ${String(value)}: use a positive integer`);
  return value;
}
