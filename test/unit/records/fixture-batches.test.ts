// Every RecordBatch captured from librdkafka (shared/fixtures/kafka-record-batches) read through
// readBatchHeader, batchDefect and RecordCursor, field by field against cases.json; every codec
// (none, gzip, snappy, lz4, zstd) decodes to the records librdkafka was given.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  COMPRESSION_MASK,
  COMPRESSION_NAMES,
  CONTROL_MASK,
  RECORDS_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_MASK,
  batchDefect,
  readBatchHeader,
} from '../../../src/records/record-batch.js';
import { RecordCursor } from '../../../src/records/record-cursor.js';
import { varintSize } from '../../../src/records/varint.js';
import { fixtureBytes, loadBatchCases, readBatchFixture } from '../../helpers/fixtures.js';
import type { BatchCase } from '../../helpers/fixtures.js';

const cases = loadBatchCases();

describe('records > real client batches', () => {
  test('cases.json lists all 17 captured batches', () => {
    assert.equal(cases.length, 17);
  });

  for (const c of cases) {
    describe(c.file, () => {
      const bytes = readBatchFixture(c.file);

      test('is the file cases.json describes (size and sha256)', () => {
        assert.equal(bytes.length, c.sizeBytes);
        assert.equal(createHash('sha256').update(bytes).digest('hex'), c.sha256);
      });

      test('has every header field cases.json lists', () => {
        const header = readBatchHeader(bytes, 0);
        const b = c.batch;
        assert.deepEqual(header, {
          baseOffset: b.baseOffset,
          batchLength: b.batchLength,
          partitionLeaderEpoch: b.partitionLeaderEpoch,
          magic: b.magic,
          crc: b.crc,
          attributes: b.attributes,
          lastOffsetDelta: b.lastOffsetDelta,
          baseTimestamp: b.baseTimestamp,
          maxTimestamp: b.maxTimestamp,
          producerId: b.producerId,
          producerEpoch: b.producerEpoch,
          baseSequence: b.baseSequence,
          recordCount: b.recordCount,
        });
        assert.equal(header.crc.toString(16).padStart(8, '0'), b.crcHex);
        assert.equal(bytes.length - RECORDS_OFFSET, b.recordsSectionBytes);
      });

      test('has the attribute bits cases.json decodes', () => {
        const { attributes } = readBatchHeader(bytes, 0);
        const decoded = c.batch.attributesDecoded;
        assert.equal(COMPRESSION_NAMES[attributes & COMPRESSION_MASK], decoded.compression);
        assert.equal(COMPRESSION_NAMES[attributes & COMPRESSION_MASK], c.compression);
        assert.equal((attributes & TIMESTAMP_TYPE_MASK) === 0 ? 'CreateTime' : 'LogAppendTime', decoded.timestampType);
        assert.equal((attributes & TRANSACTIONAL_MASK) !== 0, decoded.isTransactional);
        assert.equal((attributes & CONTROL_MASK) !== 0, decoded.isControl);
      });

      test('passes batchDefect (length, magic, CRC-32C, counts)', () => {
        assert.equal(batchDefect(bytes, 0, bytes.length), null);
      });

      test('decodes to every record cases.json lists', () => assertRecords(c, bytes));
    });
  }
});

function assertRecords(c: BatchCase, bytes: Buffer): void {
  const cursor = new RecordCursor();
  cursor.open(bytes, 0, bytes.length);
  if (c.compression === 'none') assert.equal(cursor.data, bytes, 'uncompressed records are read in place');
  else assert.equal(cursor.data.length, c.batch.uncompressedRecordsBytes);
  for (const expected of c.records) {
    assert.ok(cursor.next(), `record ${expected.offsetDelta} is present`);
    const at = `record ${expected.offsetDelta} of ${c.file}`;
    assert.equal(cursor.offset - cursor.baseOffset, expected.offsetDelta, at);
    assert.equal(cursor.timestamp - cursor.baseTimestamp, expected.timestampDelta, at);
    assert.equal(cursor.timestamp, expected.timestamp, at);
    // null (length -1) and empty (length 0) must stay distinct.
    assert.deepEqual(cursor.key(), fixtureBytes(expected.key), `${at}: key`);
    assert.deepEqual(cursor.value(), fixtureBytes(expected.value), `${at}: value`);
    assert.equal(cursor.keyLength, expected.key === null ? -1 : fixtureBytes(expected.key)!.length, at);
    assert.equal(cursor.valueLength, expected.value === null ? -1 : fixtureBytes(expected.value)!.length, at);
    assert.deepEqual(
      cursor.headers(),
      expected.headers.map(([key, value]) => ({ key, value: fixtureBytes(value) })),
      `${at}: headers`,
    );
  }
  assert.equal(cursor.next(), false, 'no record after the last one cases.json lists');
  // Each record's own length varint plus its body tile the records section exactly.
  const framed = c.records.reduce((sum, r) => sum + varintSize(r.length) + r.length, 0);
  assert.equal(framed, c.batch.uncompressedRecordsBytes);
}
