// The first part of `spool tail`: the last N records across the partitions of the matched topics,
// oldest first. Each partition is read from max(logStart, logEnd - N) to the logEnd seen by one
// ListOffsets, the partitions are merged by timestamp (a k-way merge, so each partition keeps its
// offset order even where producer timestamps go backwards) and the last N of the merge are kept:
// those are always among the last N of their own partition. Following then starts at exactly
// those log ends, so no record is lost or shown twice between the two parts.
import type { PartitionPosition } from '../../client/consumer.js';
import type { Target } from '../../client/target/target.js';
import type { TopicMetadata } from '../../protocol/messages/metadata.js';
import { FETCH_MAX_BYTES, PARTITION_MAX_BYTES } from '../../client/reading/read-partitions.js';
import { PartitionRecords, type PartitionWalker } from './partition-records.js';

export interface TailStart {
  /** Where following begins: every partition at the log end the history was read up to. */
  ends: PartitionPosition[];
  history: MergedHistory;
}

const HISTORY_MAX_WAIT_MS = 100;

/** Read the last `count` records of `topics` (none for 0) and where each partition ends. */
export async function readLastRecords(target: Target, topics: readonly TopicMetadata[], count: number, signal: AbortSignal): Promise<TailStart> {
  const ends: PartitionPosition[] = [];
  const parts: PartitionRecords[] = [];
  for (const topic of topics) {
    const offsets = await target.admin.listOffsets({ topic: topic.name });
    for (const o of [...offsets].sort((a, b) => a.partition - b.partition)) {
      ends.push({ topic: topic.name, partition: o.partition, offset: o.logEndOffset });
      const from = Math.max(o.logStartOffset, o.logEndOffset - count);
      if (count > 0 && from < o.logEndOffset) parts.push(new PartitionRecords(topic.name, o.partition, from, o.logEndOffset));
    }
  }
  if (parts.length > 0) await fetchAll(target, parts, signal);
  return { ends, history: new MergedHistory(parts, count) };
}

async function fetchAll(target: Target, parts: readonly PartitionRecords[], signal: AbortSignal): Promise<void> {
  const byKey = new Map(parts.map((p) => [`${p.topic}\u0000${p.partition}`, p]));
  const consumer = target.fetcher({ maxWaitMs: HISTORY_MAX_WAIT_MS, maxBytes: FETCH_MAX_BYTES, partitionMaxBytes: PARTITION_MAX_BYTES });
  for (const p of parts) consumer.assign({ topic: p.topic, partition: p.partition, offset: p.fromOffset, stopOffset: p.toOffset });
  for await (const fetched of consumer.fetches(signal)) {
    for (const data of fetched) byKey.get(`${data.topic}\u0000${data.partition}`)?.add(data);
  }
}

/** The merged records, oldest first; `records()` yields a walker whose cursor is on each one. */
export class MergedHistory {
  readonly #parts: readonly PartitionRecords[];
  /** Partition index of each kept record, in merged order. */
  readonly #sequence: Uint32Array;
  /** How many of each partition's records come before the kept ones. */
  readonly #skip: number[];

  constructor(parts: readonly PartitionRecords[], count: number) {
    this.#parts = parts;
    const timestamps = parts.map(collectTimestamps);
    const merged = mergeByTimestamp(timestamps);
    const first = Math.max(0, merged.length - count);
    this.#skip = parts.map(() => 0);
    for (let i = 0; i < first; i++) this.#skip[merged[i]!]!++;
    this.#sequence = merged.subarray(first);
  }

  get length(): number {
    return this.#sequence.length;
  }

  *records(): Generator<PartitionWalker> {
    const walkers = this.#parts.map((p) => p.walker());
    walkers.forEach((walker, i) => {
      for (let n = this.#skip[i]!; n > 0; n--) walker.next();
    });
    for (const index of this.#sequence) {
      const walker = walkers[index]!;
      if (walker.next()) yield walker;
    }
  }
}

function collectTimestamps(part: PartitionRecords): number[] {
  const timestamps: number[] = [];
  const walker = part.walker();
  while (walker.next()) timestamps.push(walker.cursor.timestamp);
  return timestamps;
}

/**
 * K-way merge of per-partition timestamp lists: the partition index of each record in merged
 * order. Ties go to the partition listed first (topic order, then partition number).
 */
export function mergeByTimestamp(lists: ReadonlyArray<readonly number[]>): Uint32Array {
  const total = lists.reduce((n, l) => n + l.length, 0);
  const out = new Uint32Array(total);
  const next = lists.map(() => 0);
  // A binary heap of partition indexes ordered by (their next timestamp, index).
  const heap: number[] = [];
  const less = (a: number, b: number) => {
    const ta = lists[a]![next[a]!]!;
    const tb = lists[b]![next[b]!]!;
    return ta < tb || (ta === tb && a < b);
  };
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  lists.forEach((list, i) => {
    if (list.length > 0) {
      heap.push(i);
      up(heap.length - 1);
    }
  });
  for (let k = 0; k < total; k++) {
    const p = heap[0]!;
    out[k] = p;
    next[p]!++;
    if (next[p]! >= lists[p]!.length) {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    } else down(0);
  }
  return out;
}
