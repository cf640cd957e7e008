// The history part of `spool tail`: per-partition record walks and the k-way merge by timestamp
// that keeps the last N records across partitions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MergedHistory, mergeByTimestamp } from '../../../src/cli/tail/last-records.js';
import { PartitionRecords } from '../../../src/cli/tail/partition-records.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { stampBaseOffset } from '../../../src/records/record-batch.js';

/** One batch at `baseOffset` holding `values` with these timestamps. */
function batch(baseOffset: number, values: ReadonlyArray<[string, number]>): Buffer {
  const buf = encodeRecordBatch(values.map(([value, timestamp]) => ({ key: null, value: Buffer.from(value), headers: [], timestamp })));
  stampBaseOffset(buf, 0, baseOffset);
  return buf;
}

function fetched(topic: string, partition: number, records: Buffer) {
  return { topic, partition, fetchOffset: 0, stopOffset: undefined, highWatermark: 0, records };
}

function values(history: MergedHistory): string[] {
  const out: string[] = [];
  for (const walker of history.records()) out.push(`${walker.topic}/${walker.partition}:${walker.cursor.value()?.toString()}`);
  return out;
}

describe('cli > tail > history', () => {
  test('mergeByTimestamp interleaves partitions by timestamp, ties to the partition listed first', () => {
    assert.deepEqual([...mergeByTimestamp([[1, 4, 4], [2, 4], [], [0]])], [3, 0, 1, 0, 0, 1]);
  });

  test('mergeByTimestamp keeps each partition in its own order when its timestamps go backwards', () => {
    // Partition 0 has 5 then 1: it stays 5, 1 (offset order); partition 1's 3 goes before the 5.
    assert.deepEqual([...mergeByTimestamp([[5, 1], [3]])], [1, 0, 0]);
  });

  test('a walker yields only offsets in [from, to), skipping what a later chunk repeats', () => {
    const part = new PartitionRecords('t', 0, 2, 6);
    part.add(fetched('t', 0, Buffer.concat([batch(0, [['a', 1], ['b', 2], ['c', 3]]), batch(3, [['d', 4], ['e', 5]])])));
    part.add(fetched('t', 0, Buffer.concat([batch(3, [['d', 4], ['e', 5]]), batch(5, [['f', 6], ['g', 7]])])));
    const walker = part.walker();
    const seen: string[] = [];
    while (walker.next()) seen.push(`${walker.cursor.offset}${walker.cursor.value()?.toString()}`);
    assert.deepEqual(seen, ['2c', '3d', '4e', '5f']);
  });

  test('the last N across partitions, oldest first, each from the end of its partition', () => {
    const a = new PartitionRecords('logs', 0, 0, 3);
    a.add(fetched('logs', 0, batch(0, [['a0', 10], ['a1', 30], ['a2', 50]])));
    const b = new PartitionRecords('logs', 1, 0, 3);
    b.add(fetched('logs', 1, batch(0, [['b0', 20], ['b1', 40], ['b2', 60]])));
    assert.deepEqual(values(new MergedHistory([a, b], 4)), ['logs/0:a1', 'logs/1:b1', 'logs/0:a2', 'logs/1:b2']);
    assert.deepEqual(values(new MergedHistory([a, b], 10)), ['logs/0:a0', 'logs/1:b0', 'logs/0:a1', 'logs/1:b1', 'logs/0:a2', 'logs/1:b2']);
    assert.deepEqual(values(new MergedHistory([a, b], 0)), []);
  });
});
