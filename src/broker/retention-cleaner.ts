// RetentionCleaner: every --retention-check-ms (a timer, never per append) it rolls active
// segments older than segment.ms and applies each topic's delete policy: the oldest closed
// segment goes while its newest record is older than retention.ms or the partition is larger
// than retention.bytes, and no group of retention.groups still needs it (retention-holds.ts).
// The active segment is never deleted. Compaction of `compact` topics runs in the same pass (see
// log-compactor.ts), a segment at a time, yielding to the event loop between batches so
// producers are not stalled.
import type { Logger } from '../common/logger.js';
import type { TopicConfig } from '../common/topic-config.js';
import type { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { CleanerPass } from './metrics-hooks.js';
import { holdingGroup, isDue, type GroupHold } from './retention-holds.js';

export interface CleanerHooks {
  /**
   * Compact a partition of a `compact` topic; resolves when the pass is done. `signal` aborts
   * when the cleaner stops, so a long pass ends at its next slice instead of holding up shutdown.
   */
  compact?: (topic: string, partition: number, log: PartitionLog, signal: AbortSignal) => Promise<void>;
  /** The commits of the topic's retention.groups on a partition (see RetentionHolds.of). */
  holds?: (topic: string, partition: number, groups: readonly string[]) => GroupHold[];
  /** Told after every pass how long it took. */
  onPass?: (pass: CleanerPass) => void;
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
    const pass: CleanerPass = { durationMs: 0, retentionMs: 0, compactionMs: 0, segmentsDeleted: 0 };
    const passStartMs = performance.now();
    try {
      for (const topic of this.#logs.topics()) {
        for (const [partition, log] of topic.partitions.entries()) {
          if (this.#stopped || this.#logs.topic(topic.name) !== topic) return;
          try {
            const retentionStartMs = performance.now();
            if (log.rollIfAged()) this.#logger.info(`${topic.name}/${partition}: rolled (segment.ms ${topic.config.segmentMs})`);
            if (topic.config.cleanupPolicy !== 'compact') pass.segmentsDeleted += this.#applyRetention(topic.name, partition, log, topic.config);
            const compactionStartMs = performance.now();
            pass.retentionMs += compactionStartMs - retentionStartMs;
            if (topic.config.cleanupPolicy !== 'delete' && this.#hooks.compact !== undefined) {
              await this.#hooks.compact(topic.name, partition, log, this.#stopping.signal);
              pass.compactionMs += performance.now() - compactionStartMs;
            }
          } catch (err) {
            this.#logger.error(`${topic.name}/${partition}: cleaner failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
    } finally {
      pass.durationMs = performance.now() - passStartMs;
      this.#hooks.onPass?.(pass);
    }
  }

  /** Delete the oldest closed segments that are due and not held; returns how many went. */
  #applyRetention(topic: string, partition: number, log: PartitionLog, config: TopicConfig): number {
    const before = log.logStartOffset;
    const holds = config.retentionGroups.length === 0 ? [] : (this.#hooks.holds?.(topic, partition, config.retentionGroups) ?? []);
    const nowMs = this.#now();
    let deleted = 0;
    let held: GroupHold | undefined;
    for (;;) {
      const [oldest, next] = log.segments();
      if (oldest === undefined || next === undefined || !isDue(config, oldest, log.sizeBytes, nowMs)) break;
      held = holdingGroup(holds, oldest.nextOffset);
      if (held !== undefined || !log.deleteOldestSegment()) break;
      deleted++;
    }
    if (deleted > 0) {
      const note = held === undefined ? '' : `; group ${held.group} holds the rest (committed ${held.committedOffset ?? 'nothing'})`;
      this.#logger.info(`${topic}/${partition}: retention deleted ${deleted} segment(s); log start ${before} -> ${log.logStartOffset}${note}`);
    }
    return deleted;
  }
}
