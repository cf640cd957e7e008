// LiveFeed: the hand-over between the fetch loop of `spool tail` and its live view. The loop
// pushes records (and counts the ones --grep filtered out); the view takes what arrived once per
// frame. Memory is bounded: past `maxHeldRecords` records or `maxHeldBytes` bytes waiting, the
// loop waits (`whenRoom`) until the view has taken them; that is also what pause does: while
// paused the view takes nothing, records keep arriving and counting until the bound, and the
// broker keeps the rest (shown as lag) until space resumes.
import type { TailRecord } from './tail-record.js';

export interface FeedStats {
  /** Records consumed since the view started (filtered ones included). */
  total: number;
  /** Records per second over the last two seconds or so. */
  ratePerSec: number;
  lag: number;
  topics: string[];
  partitions: number;
  paused: boolean;
  /** Records waiting to be drawn (while paused: held until resume). */
  held: number;
  /** Why nothing arrives (the broker is away), or null. */
  notice: string | null;
}

export interface FeedSource {
  readonly lag: number;
  readonly topics: string[];
  readonly partitions: number;
}

const RATE_WINDOW_MS = 2000;
const RECORD_OVERHEAD_BYTES = 120;

export class LiveFeed {
  readonly maxHeldRecords: number;
  readonly maxHeldBytes: number;
  readonly #now: () => number;
  #queue: TailRecord[] = [];
  #queueBytes = 0;
  #total = 0;
  #paused = false;
  #notice: string | null = null;
  #source: FeedSource | null = null;
  #samples: Array<{ ms: number; total: number }> = [];
  #roomWaiters: Array<() => void> = [];
  #listeners = new Set<() => void>();
  #error: Error | null = null;
  #errorListeners = new Set<(err: Error) => void>();

  constructor(options: { maxHeldRecords?: number; maxHeldBytes?: number; now?: () => number } = {}) {
    this.maxHeldRecords = options.maxHeldRecords ?? 10_000;
    this.maxHeldBytes = options.maxHeldBytes ?? 16 << 20;
    this.#now = options.now ?? (() => performance.now());
    this.#samples.push({ ms: this.#now(), total: 0 });
  }

  /** Where the topics, partitions and lag come from (the Follower). */
  setSource(source: FeedSource): void {
    this.#source = source;
    this.#notify();
  }

  push(record: TailRecord): void {
    this.#total++;
    this.#queue.push(record);
    this.#queueBytes += RECORD_OVERHEAD_BYTES + (record.value?.length ?? 0) + (record.key?.length ?? 0) + (record.formatted?.length ?? 0);
    this.#notify();
  }

  /** Start measuring the rate from now (after the history, which arrives all at once). */
  restartRate(): void {
    this.#samples = [{ ms: this.#now(), total: this.#total }];
  }

  /** Records consumed but not for showing (filtered out by --grep). */
  skip(count: number): void {
    if (count <= 0) return;
    this.#total += count;
    this.#notify();
  }

  get full(): boolean {
    return this.#queue.length >= this.maxHeldRecords || this.#queueBytes >= this.maxHeldBytes;
  }

  /** Resolves once there is room for more records. */
  whenRoom(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Everything waiting, oldest first; nothing while paused. */
  take(): TailRecord[] {
    if (this.#paused || this.#queue.length === 0) return [];
    const records = this.#queue;
    this.#queue = [];
    this.#queueBytes = 0;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const wake of waiters) wake();
    return records;
  }

  get paused(): boolean {
    return this.#paused;
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#notify();
  }

  /** Say why nothing arrives (null when things are back to normal). */
  setNotice(notice: string | null): void {
    this.#notice = notice;
    this.#notify();
  }

  /** Called whenever records arrive or the state changes; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The fetch loop failed: the view ends with this error. */
  fail(err: unknown): void {
    this.#error = err instanceof Error ? err : new Error(String(err));
    for (const listener of this.#errorListeners) listener(this.#error);
  }

  onError(listener: (err: Error) => void): () => void {
    if (this.#error !== null) listener(this.#error);
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  stats(): FeedStats {
    const now = this.#now();
    const samples = this.#samples;
    samples.push({ ms: now, total: this.#total });
    // Keep one sample older than the window, so the rate always spans at least the window.
    while (samples.length > 2 && samples[1]!.ms <= now - RATE_WINDOW_MS) samples.shift();
    const oldest = samples[0]!;
    const spanMs = now - oldest.ms;
    return {
      total: this.#total,
      ratePerSec: spanMs > 0 ? ((this.#total - oldest.total) * 1000) / spanMs : 0,
      lag: this.#source?.lag ?? 0,
      topics: this.#source?.topics ?? [],
      partitions: this.#source?.partitions ?? 0,
      paused: this.#paused,
      held: this.#queue.length,
      notice: this.#notice,
    };
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
