// BatchBuilder, the producer's hot path: when it says full, what an oversize record does, what
// build() hands out and leaves behind, and stamping the broker's base offset afterwards.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuilder, encodedRecordSize } from '../../../src/records/batch-builder.js';
import { encodeHeaders, NO_HEADERS } from '../../../src/records/headers.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  COMPRESSION_MASK,
  COMPRESSION_NAMES,
  CRC_OFFSET,
  Compression,
  batchDefect,
  readBaseOffset,
  readBatchHeader,
  stampBaseOffset,
} from '../../../src/records/record-batch.js';
import { decodeRecords } from '../../../src/records/record-cursor.js';

function value(i: number, bytes = 20): Buffer {
  return Buffer.from(`value-${i}-`.padEnd(bytes, '.'));
}

/** Append `value(i)` records until the builder refuses one; returns how many went in. */
function fill(builder: BatchBuilder, timestamp = 1000): number {
  let i = 0;
  while (builder.append(timestamp + i, Buffer.from(`k${i}`), value(i), 0, value(i).length, NO_HEADERS)) i++;
  return i;
}

describe('records > BatchBuilder > append', () => {
  test('returns false once the next record would overflow, and writes nothing for it', () => {
    const builder = new BatchBuilder(300);
    const accepted = fill(builder);
    assert.ok(accepted > 1);
    const size = builder.sizeBytes;
    const count = builder.recordCount;
    assert.equal(count, accepted);
    assert.ok(size <= 300);
    assert.ok(size + encodedRecordSize(accepted, accepted, 2, 20, 1) > 300, 'the refused record did not fit');
    assert.equal(builder.append(0, null, Buffer.from('x'.repeat(400)), 0, 400, NO_HEADERS), false);
    assert.equal(builder.sizeBytes, size, 'a refused append leaves the size alone');
    assert.equal(builder.recordCount, count);
    const records = decodeRecords(builder.build()!);
    assert.deepEqual(records.map((r) => r.value), Array.from({ length: accepted }, (_, i) => value(i)));
  });

  test('sizeBytes grows by encodedRecordSize for each record', () => {
    const builder = new BatchBuilder(1 << 20);
    const headers = encodeHeaders([{ key: 'trace', value: Buffer.from('abc') }]);
    let expected = BATCH_HEADER_SIZE;
    let baseTimestamp = 0;
    for (let i = 0; i < 200; i++) {
      const key = i % 3 === 0 ? null : Buffer.alloc(i % 7);
      const val = i % 5 === 0 ? null : Buffer.alloc(i * 11);
      const h = i % 2 === 0 ? headers : NO_HEADERS;
      const timestamp = 5000 + ((i * 7919) % 400) - 200;
      if (i === 0) baseTimestamp = timestamp;
      assert.ok(builder.append(timestamp, key, val, 0, val?.length ?? 0, h));
      expected += encodedRecordSize(timestamp - baseTimestamp, i, key?.length ?? -1, val?.length ?? -1, h.length);
      assert.equal(builder.sizeBytes, expected, `after record ${i}`);
    }
    assert.equal(builder.build()!.length, expected);
  });

  test('takes an oversize first record on its own, and then is back to its capacity', () => {
    const builder = new BatchBuilder(200);
    const big = Buffer.alloc(10_000, 0x61);
    assert.ok(builder.append(1, Buffer.from('big'), big, 0, big.length, NO_HEADERS));
    assert.equal(builder.append(2, null, Buffer.from('small'), 0, 5, NO_HEADERS), false, 'nothing joins an oversize batch');
    const batch = builder.build()!;
    assert.equal(batchDefect(batch, 0, batch.length), null);
    assert.deepEqual(decodeRecords(batch).map((r) => r.value), [big]);
    fill(builder);
    assert.ok(builder.sizeBytes <= 200, 'the next batch is bounded by the capacity again');
  });

  test('an oversize record after others is refused, so it can open the next batch', () => {
    const builder = new BatchBuilder(200);
    assert.ok(builder.append(1, null, Buffer.from('a'), 0, 1, NO_HEADERS));
    const big = Buffer.alloc(1000);
    assert.equal(builder.append(2, null, big, 0, big.length, NO_HEADERS), false);
    assert.equal(decodeRecords(builder.build()!).length, 1);
    assert.ok(builder.append(2, null, big, 0, big.length, NO_HEADERS));
    assert.equal(decodeRecords(builder.build()!)[0]!.value!.length, 1000);
  });

  test('copies only the valueStart..valueEnd slice of the value buffer', () => {
    const builder = new BatchBuilder(1024);
    const line = Buffer.from('{"k":1}\n{"k":2}\n');
    builder.append(1, null, line, 0, 7, NO_HEADERS);
    builder.append(2, null, line, 8, 15, NO_HEADERS);
    builder.append(3, null, line, 8, 8, NO_HEADERS);
    assert.deepEqual(decodeRecords(builder.build()!).map((r) => r.value!.toString()), ['{"k":1}', '{"k":2}', '']);
  });

  test('refuses a codec number Kafka does not define instead of writing it into the attributes', () => {
    for (const codec of [5, 6, 7]) {
      assert.throws(() => new BatchBuilder(1024, codec as Compression), RangeError);
    }
  });
});

describe('records > BatchBuilder > build', () => {
  test('returns null when empty, and empties the builder after a batch', () => {
    const builder = new BatchBuilder(1024);
    assert.equal(builder.build(), null);
    fill(builder, 50);
    assert.ok(builder.build() !== null);
    assert.equal(builder.recordCount, 0);
    assert.equal(builder.sizeBytes, BATCH_HEADER_SIZE);
    assert.equal(builder.build(), null);
  });

  test('starts the next batch from its own first record: deltas, baseTimestamp and maxTimestamp', () => {
    const builder = new BatchBuilder(1024);
    builder.append(9000, null, Buffer.from('a'), 0, 1, NO_HEADERS);
    builder.build();
    builder.append(500, null, Buffer.from('b'), 0, 1, NO_HEADERS);
    builder.append(400, null, Buffer.from('c'), 0, 1, NO_HEADERS);
    const batch = builder.build()!;
    const header = readBatchHeader(batch);
    assert.equal(header.baseTimestamp, 500);
    assert.equal(header.maxTimestamp, 500);
    assert.equal(header.lastOffsetDelta, 1);
    assert.deepEqual(decodeRecords(batch).map((r) => [r.offset, r.timestamp]), [[0, 500], [1, 400]]);
  });

  test('writes the header a producer without idempotence writes (Java-style leader epoch -1)', () => {
    const builder = new BatchBuilder(1024);
    fill(builder);
    const header = readBatchHeader(builder.build()!);
    assert.equal(header.baseOffset, 0);
    assert.equal(header.partitionLeaderEpoch, -1);
    assert.equal(header.magic, 2);
    assert.equal(header.attributes, 0);
    assert.equal(header.producerId, -1);
    assert.equal(header.producerEpoch, -1);
    assert.equal(header.baseSequence, -1);
  });

  for (const [name, capacity] of [['a small batch (copied out of the builder)', 64 * 1024], ['a big batch (handed over whole)', 400]] as const) {
    test(`${name} is not overwritten by the batches built after it`, () => {
      const builder = new BatchBuilder(capacity);
      const filled = fill(builder, 1);
      const first = builder.build()!;
      const snapshot = Buffer.from(first);
      for (let round = 0; round < 3; round++) {
        builder.append(99, Buffer.from('zz'), Buffer.alloc(30, 0x7a), 0, 30, NO_HEADERS);
        fill(builder, 77);
        builder.build();
      }
      assert.deepEqual(first, snapshot);
      assert.equal(decodeRecords(first).length, filled);
    });
  }

  for (const codec of [Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd]) {
    test(`${COMPRESSION_NAMES[codec]} batches carry codec ${codec} and decode to the same records as uncompressed ones`, () => {
      const plain = new BatchBuilder(4096);
      const compressed = new BatchBuilder(4096, codec);
      fill(plain);
      fill(compressed);
      const a = plain.build()!;
      const b = compressed.build()!;
      assert.equal(b.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_MASK, codec);
      assert.equal(batchDefect(b, 0, b.length), null);
      assert.ok(b.length < a.length, 'repetitive values compress');
      assert.deepEqual(decodeRecords(b), decodeRecords(a));
    });

    test(`${COMPRESSION_NAMES[codec]}: one builder makes many batches, each whole (large and small, binary values)`, () => {
      const builder = new BatchBuilder(1024 * 1024, codec);
      for (const [count, size] of [[1, 10], [3000, 100], [2, 200_000], [40, 1]] as const) {
        const values = Array.from({ length: count }, (_, i) => Buffer.from(Array.from({ length: size }, (_, j) => (i * 31 + j * (j % 7)) & 0xff)));
        for (const [i, value] of values.entries()) assert.ok(builder.append(1000 + i, null, value, 0, value.length, NO_HEADERS));
        const batch = builder.build()!;
        assert.equal(batchDefect(batch, 0, batch.length), null);
        assert.deepEqual(decodeRecords(batch).map((r) => r.value), values);
      }
    });
  }
});

describe('records > stampBaseOffset', () => {
  for (const compression of [Compression.None, Compression.Gzip, Compression.Zstd]) {
    test(`keeps the CRC valid and shifts every offset (codec ${compression})`, () => {
      const builder = new BatchBuilder(2048, compression);
      const count = fill(builder);
      const batch = builder.build()!;
      const crc = batch.readUInt32BE(CRC_OFFSET);
      for (const baseOffset of [1, 1000, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER - count]) {
        stampBaseOffset(batch, 0, baseOffset);
        assert.equal(readBaseOffset(batch), baseOffset);
        assert.equal(batch.readUInt32BE(CRC_OFFSET), crc, 'the CRC field is untouched');
        assert.equal(batchDefect(batch, 0, batch.length), null);
        assert.deepEqual(
          decodeRecords(batch).map((r) => r.offset),
          Array.from({ length: count }, (_, i) => baseOffset + i),
        );
      }
    });
  }

  test('stamps a batch in the middle of a buffer without touching its neighbours', () => {
    const builder = new BatchBuilder(512);
    fill(builder);
    const batch = builder.build()!;
    const segment = Buffer.concat([batch, batch, batch]);
    stampBaseOffset(segment, batch.length, 42);
    assert.equal(readBaseOffset(segment, 0), 0);
    assert.equal(readBaseOffset(segment, batch.length), 42);
    assert.equal(readBaseOffset(segment, 2 * batch.length), 0);
    assert.equal(decodeRecords(segment, batch.length, batch.length)[0]!.offset, 42);
  });
});
