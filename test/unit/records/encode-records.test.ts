// filterBatch: the kept records of a batch re-encoded in a batch with the same base offset, offset
// span, timestamps and producer fields; a valid CRC; the codec kept (every codec, librdkafka's
// batches too); all or nothing reported as such.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { filterBatch } from '../../../src/records/encode-records.js';
import { COMPRESSION_MASK, COMPRESSION_NAMES, Compression, batchDefect, readBatchHeader, stampBaseOffset } from '../../../src/records/record-batch.js';
import { RecordCursor, decodeRecords } from '../../../src/records/record-cursor.js';
import type { ProducerRecord } from '../../../src/records/record.js';
import { readBatchFixture } from '../../helpers/fixtures.js';

const T0 = 1_700_000_000_000;

function records(count: number): ProducerRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: i % 4 === 3 ? null : Buffer.from(`key-${i}`),
    value: i % 5 === 4 ? null : Buffer.from(`value-${i}-`.padEnd(10 + ((i * 37) % 300), '~')),
    headers: i % 3 === 0 ? [{ key: 'h', value: Buffer.from(String(i)) }] : [],
    timestamp: T0 + i * 1000 - (i % 2) * 7,
  }));
}

function batchOf(count: number, compression: Compression = Compression.None, baseOffset = 4242): Buffer {
  const batch = encodeRecordBatch(records(count), compression);
  stampBaseOffset(batch, 0, baseOffset);
  return batch;
}

describe('records > filterBatch', () => {
  for (const compression of [Compression.None, Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd]) {
    const codec = COMPRESSION_NAMES[compression];

    test(`keeps the chosen records with their offsets, timestamps, keys, values and headers (${codec})`, () => {
      const batch = batchOf(40, compression);
      const keepOffsets = new Set([4242, 4243, 4250, 4251, 4252, 4270, 4281]);
      const result = filterBatch(new RecordCursor(), batch, 0, batch.length, (c) => keepOffsets.has(c.offset));
      assert.equal(result.kept, 'some');
      if (result.kept !== 'some') return;
      assert.equal(result.recordCount, keepOffsets.size);
      assert.equal(batchDefect(result.batch, 0, result.batch.length), null);
      const before = readBatchHeader(batch);
      const after = readBatchHeader(result.batch);
      assert.deepEqual({ ...after, crc: 0, batchLength: 0, recordCount: 0 }, { ...before, crc: 0, batchLength: 0, recordCount: 0 });
      assert.equal(after.attributes & COMPRESSION_MASK, compression);
      const expected = decodeRecords(batch).filter((r) => keepOffsets.has(r.offset));
      assert.deepEqual(decodeRecords(result.batch), expected);
    });
  }

  test('all kept and none kept are reported without encoding anything', () => {
    const batch = batchOf(10);
    assert.deepEqual(filterBatch(new RecordCursor(), batch, 0, batch.length, () => true), { kept: 'all' });
    assert.deepEqual(filterBatch(new RecordCursor(), batch, 0, batch.length, () => false), { kept: 'none' });
  });

  test('works on a batch in the middle of a larger buffer, the cursor positioned on each record', () => {
    const first = batchOf(3, Compression.None, 0);
    const second = batchOf(12, Compression.None, 3);
    const buf = Buffer.concat([first, second]);
    const seen: number[] = [];
    const result = filterBatch(new RecordCursor(), buf, first.length, second.length, (c) => {
      seen.push(c.offset);
      return c.valueLength >= 0 && c.offset % 2 === 1;
    });
    assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => 3 + i));
    assert.equal(result.kept, 'some');
    if (result.kept !== 'some') return;
    assert.deepEqual(
      decodeRecords(result.batch).map((r) => r.offset),
      [3, 5, 9, 11, 13],
    );
    assert.equal(readBatchHeader(result.batch).lastOffsetDelta, 11);
  });

  for (const file of ['07-compression-gzip.bin', '08-compression-snappy.bin', '09-compression-lz4.bin', '10-compression-zstd.bin']) {
    test(`librdkafka's ${file.slice(3, -4)} batch keeps its codec when records go`, () => {
      const batch = readBatchFixture(file);
      const codec = readBatchHeader(batch).attributes & COMPRESSION_MASK;
      const result = filterBatch(new RecordCursor(), batch, 0, batch.length, (c) => c.offset % 2 === 0);
      assert.equal(result.kept, 'some');
      if (result.kept !== 'some') return;
      assert.equal(readBatchHeader(result.batch).attributes & COMPRESSION_MASK, codec);
      assert.equal(batchDefect(result.batch, 0, result.batch.length), null);
      assert.deepEqual(decodeRecords(result.batch), decodeRecords(batch).filter((r) => r.offset % 2 === 0));
    });
  }
});
