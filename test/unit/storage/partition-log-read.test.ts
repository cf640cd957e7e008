// PartitionLog append and read (Kafka's LogSegmentTest cases on a one-segment log): offsets are
// assigned consecutively across batches, reads return whole stored batches starting with the one
// that holds the asked offset, the end of the log reads empty, and outside it is out of range.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { OffsetOutOfRangeError } from '../../../src/common/errors.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { Compression } from '../../../src/records/record-batch.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import {
  BASE_TIMESTAMP,
  appendAll,
  batchesIn,
  makeBatch,
  makeBatches,
  offsetsOf,
  range,
  readAll,
  recordsIn,
  useStorageFixture,
  valuesOf,
} from '../../helpers/storage-fixtures.js';

function assertOutOfRange(log: PartitionLog, offset: number, logStartOffset: number, logEndOffset: number): void {
  assert.throws(
    () => log.read(offset, 1 << 20),
    (err: unknown) => {
      assert.ok(err instanceof OffsetOutOfRangeError);
      assert.equal(err.code, ErrorCode.OffsetOutOfRange);
      assert.equal(err.logStartOffset, logStartOffset);
      assert.equal(err.logEndOffset, logEndOffset);
      return true;
    },
  );
}

describe('storage > PartitionLog > read', () => {
  const fixture = useStorageFixture();

  test('an empty log reads empty at offset 0 and ends at offset 0', () => {
    const { log } = fixture.openTopic();
    assert.equal(log.nextOffset, 0);
    assert.equal(log.logStartOffset, 0);
    assert.equal(log.sizeBytes, 0);
    assert.equal(log.maxTimestamp, -1);
    assert.equal(log.read(0, 1 << 20).length, 0);
    assert.equal(log.firstTimestamp(), null);
    assert.equal(log.offsetForTimestamp(0), null);
    assertOutOfRange(log, 1, 0, 0);
    assertOutOfRange(log, -1, 0, 0);
  });

  test('appends assign consecutive offsets across batches', () => {
    const { log } = fixture.openTopic();
    const answers = appendAll(log, makeBatches([3, 1, 5]));
    assert.deepEqual(answers, [
      { baseOffset: 0, lastOffset: 2 },
      { baseOffset: 3, lastOffset: 3 },
      { baseOffset: 4, lastOffset: 8 },
    ]);
    assert.equal(log.nextOffset, 9);
    const stored = batchesIn(log.read(0, 1 << 20));
    assert.deepEqual(stored.map((b) => [b.baseOffset, b.lastOffset]), [[0, 2], [3, 3], [4, 8]]);
    assert.deepEqual(offsetsOf(readAll(log)), range(9));
    assert.deepEqual(valuesOf(readAll(log)), range(9).map((i) => `v${i}`));
  });

  test('several batches appended in one call get consecutive offsets', () => {
    const { log } = fixture.openTopic();
    log.append(makeBatch(2));
    const answer = log.append(Buffer.concat(makeBatches([2, 3, 1], { first: 2 })));
    assert.deepEqual(answer, { baseOffset: 2, lastOffset: 7 });
    assert.deepEqual(batchesIn(log.read(0, 1 << 20)).map((b) => b.baseOffset), [0, 2, 4, 7]);
    assert.deepEqual(offsetsOf(readAll(log)), range(8));
  });

  test('records come back with their keys, values, headers and timestamps', () => {
    const { log } = fixture.openTopic();
    const records = [
      { key: Buffer.from('a'), value: Buffer.from('one'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 5 },
      { key: null, value: Buffer.from('two'), headers: [], timestamp: 7 },
      { key: Buffer.from('c'), value: null, headers: [{ key: 'gone', value: null }], timestamp: 6 },
    ];
    log.append(encodeRecordBatch(records));
    const back = readAll(log);
    assert.deepEqual(back, records.map((r, offset) => ({ ...r, offset })));
  });

  test('batches are stored and served byte for byte, compressed ones included', () => {
    const { log } = fixture.openTopic();
    const plain = makeBatch(3);
    const gzip = makeBatch(4, { first: 3, valueBytes: 200 }, Compression.Gzip);
    log.append(plain);
    log.append(gzip);
    // append stamps the base offsets into the buffers it was given, so they are what is stored
    assert.deepEqual(log.read(0, 1 << 20), Buffer.concat([plain, gzip]));
    assert.equal(log.sizeBytes, plain.length + gzip.length);
    assert.deepEqual(valuesOf(readAll(log)), range(7).map((i) => `v${i}`));
  });

  test('a read from the first offset starts with the first batch', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches([2, 2]));
    const first = batchesIn(log.read(0, 1 << 20))[0]!;
    assert.deepEqual([first.position, first.baseOffset], [0, 0]);
  });

  test('a read from inside a batch returns that whole batch for the consumer to skip into', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches([3, 4, 2]));
    const data = log.read(5, 1 << 20);
    const batches = batchesIn(data);
    assert.deepEqual(batches.map((b) => [b.baseOffset, b.lastOffset]), [[3, 6], [7, 8]]);
    assert.deepEqual(offsetsOf(recordsIn(data)), [3, 4, 5, 6, 7, 8], 'records 3 and 4 are the consumer\'s to skip');
    assert.deepEqual(offsetsOf(readAll(log, 5)), [5, 6, 7, 8]);
  });

  test('a read exactly at the log end is empty, not an error', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches([3, 2]));
    assert.equal(log.read(5, 1 << 20).length, 0);
    assert.equal(log.read(5, 1).length, 0);
  });

  test('a read after the log end is out of range with both ends of the log', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches([3, 2]));
    assertOutOfRange(log, 6, 0, 5);
    assertOutOfRange(log, 1_000_000, 0, 5);
  });

  test('a read before the log start offset is out of range', () => {
    const { logs, log } = fixture.openTopic();
    appendAll(log, makeBatches([2, 2, 2], { timestamp: (i) => 1000 + i }));
    logs.catalog.partitionSetLogStart(log.partitionId, 3);
    const { log: reopened } = fixture.reopen(logs);
    assert.equal(reopened.logStartOffset, 3);
    assertOutOfRange(reopened, 2, 3, 6);
    assertOutOfRange(reopened, 0, 3, 6);
    assert.deepEqual(batchesIn(reopened.read(3, 1)).map((b) => b.baseOffset), [2], 'the batch holding offset 3');
    assert.deepEqual(offsetsOf(readAll(reopened)), [3, 4, 5]);
    assert.equal(reopened.firstTimestamp(), 1003);
    assert.equal(reopened.offsetForTimestamp(0), 3);
  });

  test('a small maxBytes still returns one whole batch', () => {
    const { log } = fixture.openTopic();
    const batches = makeBatches([3, 3, 3]);
    appendAll(log, batches);
    for (const maxBytes of [0, 1, batches[0]!.length - 1, batches[0]!.length]) {
      assert.deepEqual(batchesIn(log.read(0, maxBytes)).map((b) => b.baseOffset), [0], `maxBytes ${maxBytes}`);
    }
    const two = batches[0]!.length + batches[1]!.length;
    assert.deepEqual(batchesIn(log.read(0, two)).map((b) => b.baseOffset), [0, 3]);
    assert.deepEqual(batchesIn(log.read(4, two - 1)).map((b) => b.baseOffset), [3]);
  });

  test('a batch larger than maxBytes comes back whole, wherever it lies', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches([5, 5], { valueBytes: 100 }));
    const big = makeBatch(20, { first: 10, valueBytes: 2000 });
    const size = big.length;
    log.append(big);
    appendAll(log, makeBatches([1], { first: 30 }));
    for (const offset of [10, 17, 29]) {
      const data = log.read(offset, 100);
      assert.equal(data.length, size, `offset ${offset}`);
      assert.deepEqual(batchesIn(data).map((b) => [b.baseOffset, b.lastOffset]), [[10, 29]]);
    }
  });

  test('every offset reads back the batch that holds it, with a sparse index over many batches', () => {
    const { log } = fixture.openTopic();
    const counts = range(120).map((i) => 1 + (i % 7));
    appendAll(log, makeBatches(counts, { valueBytes: 40 }));
    assert.ok(log.sizeBytes > 5 * 4096, 'the log spans several index rows');
    for (let offset = 0; offset < log.nextOffset; offset++) {
      const [batch] = batchesIn(log.read(offset, 1));
      assert.ok(batch !== undefined && batch.baseOffset <= offset && offset <= batch.lastOffset, `offset ${offset}`);
    }
  });

  test('sequential reads from the returned end offsets read every record exactly once', () => {
    const { log } = fixture.openTopic();
    const counts = range(80).map((i) => 1 + ((i * 5) % 11));
    appendAll(log, makeBatches(counts, { valueBytes: 30, timestamp: (i) => BASE_TIMESTAMP + i }));
    const total = counts.reduce((a, b) => a + b, 0);
    for (const maxBytes of [1, 300, 4096, 10_000, 1 << 20]) {
      const records = readAll(log, 0, maxBytes);
      assert.deepEqual(offsetsOf(records), range(total), `maxBytes ${maxBytes}`);
      assert.deepEqual(valuesOf(records), range(total).map((i) => `v${i}`));
    }
  });

  test('reads jumping around the log are not misled by where the previous read ended', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches(range(60).map(() => 3), { valueBytes: 100 }));
    const firstEnd = batchesIn(log.read(0, 1))[0]!.lastOffset + 1;
    assert.equal(firstEnd, 3);
    assert.equal(batchesIn(log.read(150, 1))[0]!.baseOffset, 150);
    assert.equal(batchesIn(log.read(firstEnd, 1))[0]!.baseOffset, 3);
    assert.equal(batchesIn(log.read(4, 1))[0]!.baseOffset, 3);
    assert.equal(batchesIn(log.read(179, 1))[0]!.baseOffset, 177);
    log.append(makeBatch(2, { first: 180 }));
    assert.equal(batchesIn(log.read(180, 1))[0]!.baseOffset, 180);
  });

  test('size, max timestamp and first timestamp follow the appends', () => {
    const { log } = fixture.openTopic();
    const timestamps = [500, 900, 700, 800];
    appendAll(log, makeBatches([2, 2], { timestamp: (i) => timestamps[i]! }));
    assert.equal(log.maxTimestamp, 900);
    assert.equal(log.firstTimestamp(), 500);
    assert.equal(log.sizeBytes, log.read(0, 1 << 20).length);
  });
});
