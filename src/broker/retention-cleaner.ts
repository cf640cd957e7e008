// RetentionCleaner: every --retention-check-ms (a timer, never per append) it rolls active
// segments older than segment.ms and applies each topic's delete policy: closed segments whose
// newest record is older than retention.ms go, then the oldest closed segments while the
// partition is larger than retention.bytes. The active segment is never deleted. Compaction of
// `compact` topics runs in the same pass (see log-compactor.ts), a segment at a time, yielding
// to the event loop between batches so producers are not stalled.
import type { Logger } from '../common/logger.js';
import type { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/partition-log.js';

export interface CleanerHooks {
  /**
   * Compact a partition of a `compact` topic; resolves when the pass is done. `signal` aborts
   * when the cleaner stops, so a long pass ends at its next slice instead of holding up shutdown.
   */
  compact?: (topic: string, partition: number, log: PartitionLog, signal: AbortSignal) => Promise<void>;
}

export class RetentionCleaner {
  readonly #logs: LogManager;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #hooks: CleanerHooks;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  readonly #stopping = new AbortController();

  constructor(logs: LogManager, logger: Logger, hooks: CleanerHooks = {}, now: () => number = Date.now) {
    this.#logs = logs;
    this.#logger = logger;
    this.#hooks = hooks;
    this.#now = now;
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.runOnce(), intervalMs);
  }

  /** One pass over every partition; a pass still running is not started twice. */
  runOnce(): Promise<void> {
    this.#running ??= this.#pass().finally(() => (this.#running = null));
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#running;
  }

  async #pass(): Promise<void> {
    for (const topic of this.#logs.topics()) {
      for (const [partition, log] of topic.partitions.entries()) {
        if (this.#stopped || this.#logs.topic(topic.name) !== topic) return;
        try {
          if (log.rollIfAged()) this.#logger.info(`${topic.name}/${partition}: rolled (segment.ms ${topic.config.segmentMs})`);
          if (topic.config.cleanupPolicy !== 'compact') this.#applyRetention(topic.name, partition, log, topic.config.retentionMs, topic.config.retentionBytes);
          if (topic.config.cleanupPolicy !== 'delete' && this.#hooks.compact !== undefined) await this.#hooks.compact(topic.name, partition, log, this.#stopping.signal);
        } catch (err) {
          this.#logger.error(`${topic.name}/${partition}: cleaner failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }

  #applyRetention(topic: string, partition: number, log: PartitionLog, retentionMs: number, retentionBytes: number): void {
    const before = log.logStartOffset;
    let deleted = 0;
    if (retentionMs >= 0) {
      const cutoff = this.#now() - retentionMs;
      for (;;) {
        const [oldest, next] = log.segments();
        if (oldest === undefined || next === undefined || oldest.maxTimestamp >= cutoff) break;
        if (!log.deleteOldestSegment()) break;
        deleted++;
      }
    }
    if (retentionBytes >= 0) {
      while (log.sizeBytes > retentionBytes && log.segmentCount > 1 && log.deleteOldestSegment()) deleted++;
    }
    if (deleted > 0) {
      this.#logger.info(`${topic}/${partition}: retention deleted ${deleted} segment(s); log start ${before} -> ${log.logStartOffset}`);
    }
  }
}
