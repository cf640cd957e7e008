// offsetForTimestamp and the time index behind it: the answer is the FIRST offset whose record
// timestamp is >= T, whatever order the timestamps come in, inside a batch or across batches and
// segments; before everything it is the log start, after everything null.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ATTRIBUTES_OFFSET, CONTROL_MASK, sealBatch } from '../../../src/records/record-batch.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import { appendAll, makeBatch, makeBatches, range, useStorageFixture } from '../../helpers/storage-fixtures.js';

/** Batches whose i-th record (over all batches) has timestamp `timestamps[i]`. */
function appendTimestamps(log: PartitionLog, counts: number[], timestamps: readonly number[], valueBytes = 0): void {
  appendAll(log, makeBatches(counts, { timestamp: (i) => timestamps[i]!, valueBytes }));
}

/** The answer worked out the slow way: the first offset whose timestamp is >= t. */
function firstAtOrAfter(timestamps: readonly number[], t: number): number | null {
  const i = timestamps.findIndex((ts) => ts >= t);
  return i < 0 ? null : i;
}

/** A repeatable jumble: a rising trend with records up to ±400 ms out of order. */
function jumbledTimestamps(n: number): number[] {
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  return range(n).map((i) => 10_000 + i * 20 + (next() % 801) - 400);
}

function assertMatchesBruteForce(log: PartitionLog, timestamps: readonly number[]): void {
  const probes = new Set<number>([0, 9_000]);
  for (const ts of timestamps) for (const d of [-1, 0, 1]) probes.add(ts + d);
  for (const t of probes) {
    assert.equal(log.offsetForTimestamp(t), firstAtOrAfter(timestamps, t), `T = ${t}`);
  }
}

describe('storage > PartitionLog > offsetForTimestamp', () => {
  const fixture = useStorageFixture();

  test('with rising timestamps each record is found by its own timestamp', () => {
    const { log } = fixture.openTopic();
    const timestamps = range(10).map((i) => 1000 + 100 * i);
    appendTimestamps(log, [3, 3, 4], timestamps);
    for (const [offset, ts] of timestamps.entries()) {
      assert.equal(log.offsetForTimestamp(ts), offset);
      assert.equal(log.offsetForTimestamp(ts - 50), offset);
    }
  });

  test('a time before every record answers the log start offset', () => {
    const { log } = fixture.openTopic();
    appendTimestamps(log, [2, 2], [500, 600, 700, 800]);
    assert.equal(log.offsetForTimestamp(499), 0);
    assert.equal(log.offsetForTimestamp(0), 0);
    assert.equal(log.offsetForTimestamp(-5), 0);
  });

  test('a time after every record answers null', () => {
    const { log } = fixture.openTopic();
    appendTimestamps(log, [2, 2], [500, 600, 700, 800]);
    assert.equal(log.offsetForTimestamp(801), null);
    assert.equal(log.offsetForTimestamp(Number.MAX_SAFE_INTEGER), null);
  });

  test('out-of-order timestamps inside a batch give the first offset at or after T', () => {
    const { log } = fixture.openTopic();
    appendTimestamps(log, [5], [100, 300, 200, 400, 250]);
    assert.equal(log.offsetForTimestamp(100), 0);
    assert.equal(log.offsetForTimestamp(150), 1, '300 at offset 1 comes before 200 at offset 2');
    assert.equal(log.offsetForTimestamp(250), 1);
    assert.equal(log.offsetForTimestamp(301), 3);
    assert.equal(log.offsetForTimestamp(400), 3);
    assert.equal(log.offsetForTimestamp(401), null);
  });

  test('out-of-order timestamps across batches give the first offset at or after T', () => {
    const { log } = fixture.openTopic();
    appendTimestamps(log, [2, 2, 1], [100, 500, 200, 300, 600]);
    assert.equal(log.offsetForTimestamp(200), 1, 'offset 1 (500) is earlier than offset 2 (200)');
    assert.equal(log.offsetForTimestamp(501), 4);
    assert.equal(log.offsetForTimestamp(101), 1);
  });

  test('a late batch of old timestamps does not hide an earlier answer', () => {
    const { log } = fixture.openTopic();
    const timestamps = [...range(40).map((i) => 1000 + i), ...range(40).map((i) => 10 + i), 5000];
    appendTimestamps(log, [...range(8).map(() => 5), ...range(8).map(() => 5), 1], timestamps, 300);
    assert.equal(log.offsetForTimestamp(20), 0);
    assert.equal(log.offsetForTimestamp(1039), 39);
    assert.equal(log.offsetForTimestamp(1040), 80);
    assertMatchesBruteForce(log, timestamps);
  });

  test('matches a brute-force search over a jumbled log with many index rows', () => {
    const { log } = fixture.openTopic();
    const timestamps = jumbledTimestamps(600);
    appendTimestamps(log, range(100).map(() => 6), timestamps, 60);
    assert.ok(log.sizeBytes > 8 * 4096);
    assert.equal(log.maxTimestamp, Math.max(...timestamps));
    assertMatchesBruteForce(log, timestamps);
  });

  test('matches a brute-force search over a jumbled log of many segments, also after reopening', () => {
    const { logs, log } = fixture.openTopic('t', { 'segment.bytes': '2048' });
    const timestamps = jumbledTimestamps(400);
    appendTimestamps(log, range(80).map(() => 5), timestamps, 60);
    assert.ok(log.segmentCount > 5);
    assertMatchesBruteForce(log, timestamps);
    const { log: reopened } = fixture.reopen(logs);
    assert.equal(reopened.maxTimestamp, Math.max(...timestamps));
    assertMatchesBruteForce(reopened, timestamps);
  });

  test('every time index row holds the largest timestamp of all records before its offset', () => {
    const { logs, log } = fixture.openTopic('t', { 'segment.bytes': '4096' });
    const timestamps = jumbledTimestamps(300);
    appendTimestamps(log, range(60).map(() => 5), timestamps, 50);
    const rows = logs.db
      .prepare('SELECT offset, timestamp FROM time_index WHERE partition_id = ? ORDER BY offset')
      .all(log.partitionId) as Array<{ offset: number; timestamp: number }>;
    assert.ok(rows.length > 5);
    for (const row of rows) {
      const before = timestamps.slice(0, row.offset);
      assert.equal(row.timestamp, before.length === 0 ? -1 : Math.max(...before), `row at offset ${row.offset}`);
    }
  });

  test('records of control batches are never the answer', () => {
    const { log } = fixture.openTopic();
    log.append(makeBatch(2, { timestamp: (i) => 100 + i }));
    const control = makeBatch(1, { first: 2, timestamp: () => 500 });
    control.writeInt16BE(control.readInt16BE(ATTRIBUTES_OFFSET) | CONTROL_MASK, ATTRIBUTES_OFFSET);
    sealBatch(control, 0, control.length);
    log.append(control);
    log.append(makeBatch(1, { first: 3, timestamp: () => 400 }));
    assert.equal(log.offsetForTimestamp(300), 3);
  });
});
