// What a group member may commit: per partition, the offset after the last record its reader has
// been given (for the CLI: stdout's write callback ran; for the library: the loop received it).
// Offsets move here only from the record sink's onWritten, so a commit never covers a record the
// reader has not been given.
import type { PartitionOffset } from '../../protocol/messages/offset-commit.js';
import type { TopicPartition } from '../../protocol/messages/topic-partitions.js';

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

export class OffsetTracker {
  readonly #written = new Map<string, PartitionOffset>();
  readonly #committed = new Map<string, number>();

  /** `offset` (the next to read) of `tp` has been written. */
  written(tp: TopicPartition, offset: number): void {
    const k = key(tp);
    const current = this.#written.get(k);
    if (current === undefined || offset > current.offset) this.#written.set(k, { topic: tp.topic, partition: tp.partition, offset });
  }

  /** Offsets written but not yet committed, optionally only of `only`. */
  uncommitted(only?: readonly TopicPartition[]): PartitionOffset[] {
    const wanted = only === undefined ? null : new Set(only.map(key));
    return [...this.#written.entries()]
      .filter(([k, o]) => (wanted === null || wanted.has(k)) && this.#committed.get(k) !== o.offset)
      .map(([, o]) => o);
  }

  committed(offsets: readonly PartitionOffset[]): void {
    for (const o of offsets) this.#committed.set(key(o), o.offset);
  }

  /** The offset after the last record of `tp` written here, if any. */
  writtenOffset(tp: TopicPartition): number | undefined {
    return this.#written.get(key(tp))?.offset;
  }

  /** Forget every partition but `kept` (after joining again, the rest has other owners). */
  keepOnly(kept: readonly TopicPartition[]): void {
    const wanted = new Set(kept.map(key));
    for (const k of [...this.#written.keys()]) {
      if (wanted.has(k)) continue;
      this.#written.delete(k);
      this.#committed.delete(k);
    }
  }

  /** Forget a partition given up (a later owner may move its offset). */
  forget(tp: TopicPartition): void {
    this.#written.delete(key(tp));
    this.#committed.delete(key(tp));
  }
}
