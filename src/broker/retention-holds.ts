// What keeps a partition's oldest segment (SPEC §10): retention deletes the oldest closed segment
// once its newest record is older than retention.ms or the partition is larger than
// retention.bytes, unless a group named in retention.groups has not committed past it. A named
// group holds a segment until its committed offset on that partition reaches the segment's next
// offset; with no commit there it holds everything. A name that is not a group (deleted) holds
// nothing: naming a group in retention.groups creates it when it does not exist
// (topic-operations.ts), so only a deletion releases it. Compaction is never held.
//
// The cleaner decides with `isDue` and `holdingGroup`; `topic describe` shows `retentionState`,
// built from the same two, so the two cannot disagree.
import type { TopicConfig } from '../common/topic-config.js';
import type { RetentionState } from '../protocol/messages/describe-topics.js';
import type { GroupStore } from '../storage/group-store.js';
import type { PartitionLog, SegmentInfo } from '../storage/partition-log.js';

/** A named group that exists, with its committed offset on one partition. */
export interface GroupHold {
  group: string;
  /** null: nothing committed on this partition (it holds everything). */
  committedOffset: number | null;
}

export class RetentionHolds {
  readonly #store: GroupStore;

  constructor(store: GroupStore) {
    this.#store = store;
  }

  /** The named groups that exist and their commits on the partition, the furthest behind first. */
  of(topic: string, partition: number, groups: readonly string[]): GroupHold[] {
    const holds: GroupHold[] = [];
    for (const group of groups) {
      if (!this.#store.groupExists(group)) continue;
      holds.push({ group, committedOffset: this.#store.committedOffset(group, topic, partition) });
    }
    return holds.sort((a, b) => (a.committedOffset ?? -1) - (b.committedOffset ?? -1));
  }
}

/** The group keeping a segment whose records end before `segmentEndOffset`; undefined when none. */
export function holdingGroup(holds: readonly GroupHold[], segmentEndOffset: number): GroupHold | undefined {
  return holds.find((h) => h.committedOffset === null || h.committedOffset < segmentEndOffset);
}

/** Whether time or size retention wants the oldest closed segment gone. */
export function isDue(config: TopicConfig, oldest: SegmentInfo, partitionBytes: number, nowMs: number): boolean {
  if (config.retentionMs >= 0 && oldest.maxTimestamp < nowMs - config.retentionMs) return true;
  return config.retentionBytes >= 0 && partitionBytes > config.retentionBytes;
}

/** Why the partition's oldest segment is still there, as `topic describe` says it. */
export function retentionState(config: TopicConfig, log: PartitionLog, holds: readonly GroupHold[], nowMs: number): RetentionState {
  if (config.cleanupPolicy === 'compact') return { heldBy: 'compact' };
  const [oldest, next] = log.segments();
  if (oldest === undefined || next === undefined) return { heldBy: 'active-segment' };
  if (!isDue(config, oldest, log.sizeBytes, nowMs)) {
    if (config.retentionMs >= 0) return { heldBy: 'time', expiresMs: oldest.maxTimestamp + config.retentionMs };
    return config.retentionBytes >= 0 ? { heldBy: 'size' } : { heldBy: 'time', expiresMs: null };
  }
  const holder = holdingGroup(holds, oldest.nextOffset);
  if (holder === undefined) return { heldBy: null };
  return { heldBy: 'group', group: holder.group, committedOffset: holder.committedOffset, segmentEndOffset: oldest.nextOffset };
}
