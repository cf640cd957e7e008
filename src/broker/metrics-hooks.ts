// What the broker tells its metrics when `--metrics` is on (broker/metrics/): one call per
// request, per fsync and per cleaner pass. Everything else (offsets, sizes, traffic, lag,
// connections) the metrics read from the broker's state when they are scraped. The context holds
// null when metrics are off, so the request path pays one null check and nothing more.

/** The front door a request came in on. */
export type ListenerName = 'socket' | 'kafka';

/** One pass of the retention cleaner over every partition. */
export interface CleanerPass {
  durationMs: number;
  /** Time spent applying retention.ms and retention.bytes (and rolling aged segments). */
  retentionMs: number;
  /** Time spent compacting (cleanup.policy compact), waits between slices included. */
  compactionMs: number;
  segmentsDeleted: number;
}

export interface MetricsHooks {
  /** A request answered, or failed, since `startedMs` (performance.now()). */
  request(listener: ListenerName, request: string, startedMs: number, failed: boolean): void;
  /** A segment fsync took `ms`. */
  fsync(ms: number): void;
  cleanerPass(pass: CleanerPass): void;
}
