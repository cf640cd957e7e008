// Logs for compaction tests on real files: keyed rounds of writes with tombstones, the check that
// every key's latest value is still readable, and a config under which a pass merges nothing.
import assert from 'node:assert/strict';
import type { TopicConfig } from '../../src/common/topic-config.js';
import { encodeRecordBatch } from '../../src/records/encode-batch.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';
import { BASE_TIMESTAMP, readAll } from './storage-fixtures.js';

export interface Latest {
  offset: number;
  value: string | null;
}

/** `rounds` values of each of `keys` keys, `perBatch` records a batch; every 7th write of a key a tombstone. */
export function produceRounds(log: PartitionLog, keys: number, rounds: number, valueBytes: number, perBatch = 5): Map<string, Latest> {
  const latest = new Map<string, Latest>();
  const pending: Array<{ key: string; value: string | null }> = [];
  const flush = () => {
    if (pending.length === 0) return;
    const batch = encodeRecordBatch(
      pending.map((w) => ({ key: Buffer.from(w.key), value: w.value === null ? null : Buffer.from(w.value), headers: [], timestamp: BASE_TIMESTAMP })),
    );
    const { baseOffset } = log.append(batch);
    pending.forEach((w, i) => latest.set(w.key, { offset: baseOffset + i, value: w.value }));
    pending.length = 0;
  };
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < keys; k++) {
      const tombstone = (r * keys + k) % 7 === 3;
      pending.push({ key: `key-${k}`, value: tombstone ? null : `${k}:${r}:`.padEnd(valueBytes, '=') });
      if (pending.length === perBatch) flush();
    }
  }
  flush();
  return latest;
}

/**
 * What must hold whatever moment a crash came at: offsets only grow, every live key's last record
 * is its latest value at its offset, and a key whose latest write is a tombstone ends with that
 * tombstone or has no record left.
 */
export function assertLatestReadable(log: PartitionLog, latest: Map<string, Latest>): void {
  const last = new Map<string, Latest>();
  let previous = -1;
  for (const r of readAll(log)) {
    assert.ok(r.offset > previous, `offset ${r.offset} after ${previous}`);
    previous = r.offset;
    last.set(r.key!.toString(), { offset: r.offset, value: r.value?.toString() ?? null });
  }
  for (const [key, expected] of latest) {
    const found = last.get(key);
    if (expected.value === null && found === undefined) continue;
    assert.deepEqual(found, expected, `latest of ${key}`);
  }
}

/**
 * `config` with a segment.bytes no two segments fit in: the pass compacts and drops empty
 * segments but merges nothing, for tests of what each segment becomes.
 */
export function withoutMerging(config: TopicConfig): TopicConfig {
  return { ...config, segmentBytes: 0 };
}
