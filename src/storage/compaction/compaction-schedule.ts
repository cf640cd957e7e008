// CompactionSchedule: whether the cleaner's periodic check should compact a partition now, so
// that a large compacted log is not read again on every --retention-check-ms when nothing new
// can be cleaned. A pass is due when
//   - this broker process has not finished one on the partition yet (after a start the state of
//     the log is unknown), or delete.retention.ms changed since;
//   - a tombstone the last pass kept has come due (CompactionReport.tombstoneDueMs);
//   - the closed segments rolled since the last pass (dirty: their records are not compacted and
//     may supersede older ones) are at least half of all closed bytes, Kafka's default
//     min.cleanable.dirty.ratio of 0.5: a pass reads the whole log, so it waits until there is
//     enough to gain.
// A pass that stopped early records nothing, so the next check tries again.
import type { TopicConfig } from '../../common/topic-config.js';
import { compactPartition, type CompactionOptions, type CompactionReport } from '../log-compactor.js';
import type { PartitionLog } from '../partition-log.js';

export const MIN_CLEANABLE_DIRTY_RATIO = 0.5;

interface LastPass {
  /** Closed segments from this offset on were rolled after the pass began: dirty. */
  dirtyFromOffset: number;
  tombstoneDueMs: number | null;
  deleteRetentionMs: number;
}

export class CompactionSchedule {
  readonly #passes = new WeakMap<PartitionLog, LastPass>();

  isDue(log: PartitionLog, config: TopicConfig, now: number): boolean {
    const last = this.#passes.get(log);
    if (last === undefined || last.deleteRetentionMs !== config.deleteRetentionMs) return true;
    if (last.tombstoneDueMs !== null && now >= last.tombstoneDueMs) return true;
    let cleanBytes = 0;
    let dirtyBytes = 0;
    for (const segment of log.segments()) {
      if (segment.active) continue;
      if (segment.baseOffset >= last.dirtyFromOffset) dirtyBytes += segment.sizeBytes;
      else cleanBytes += segment.sizeBytes;
    }
    return dirtyBytes > 0 && dirtyBytes >= MIN_CLEANABLE_DIRTY_RATIO * (cleanBytes + dirtyBytes);
  }

  /** Compact `log` if a pass is due; null when it was not. */
  async runIfDue(log: PartitionLog, config: TopicConfig, now: number, options: CompactionOptions = {}): Promise<CompactionReport | null> {
    if (!this.isDue(log, config, now)) return null;
    // The pass snapshots the segments synchronously too: this is its active segment. A pass whose
    // key map filled cleaned less than that, but trying again before more is rolled would only
    // stop at the same key again.
    const segments = log.segments();
    const activeBaseOffset = segments[segments.length - 1]!.baseOffset;
    const report = await compactPartition(log, config, now, options);
    if (report.complete) {
      this.#passes.set(log, {
        dirtyFromOffset: activeBaseOffset,
        tombstoneDueMs: report.tombstoneDueMs,
        deleteRetentionMs: config.deleteRetentionMs,
      });
    }
    return report;
  }
}

/** One line for the broker's log: what a pass did. */
export function describeCompaction(report: CompactionReport): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1);
  return (
    `compacted ${report.segmentsRewritten} segment(s): ${mb(report.bytesBefore)} MB -> ${mb(report.bytesAfter)} MB, ` +
    `${report.recordsRemoved} record(s) removed (${report.tombstonesRemoved} tombstone(s)), ${report.keys} key(s), ` +
    (report.segmentsDropped > 0 ? `${report.segmentsDropped} empty segment(s) deleted, ` : '') +
    (report.segmentsMerged > 0 ? `${report.segmentsMerged} small segment(s) merged into their neighbours, ` : '') +
    `${Math.round(report.durationMs)} ms${report.complete ? '' : ' (stopped before the end)'}`
  );
}
