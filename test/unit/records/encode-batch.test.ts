// Our encoder against a real client: the records of each librdkafka batch, re-encoded by
// encodeRecordBatch with the captured timestamps, must give librdkafka's record bytes. Both follow
// Kafka's DefaultRecord framing, so any difference in a records section is a bug of ours.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decompressRecords } from '../../../src/records/compression.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import {
  ATTRIBUTES_OFFSET,
  COMPRESSION_MASK,
  Compression,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORDS_OFFSET,
  batchDefect,
  readBatchHeader,
} from '../../../src/records/record-batch.js';
import { batchCase, loadBatchCases, producerRecordsOf, readBatchFixture } from '../../helpers/fixtures.js';

/** The fixture's records section, decompressed when the client compressed it. */
function fixtureRecordsSection(bytes: Buffer): Buffer {
  const codec = bytes.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_MASK;
  return decompressRecords(codec, bytes.subarray(RECORDS_OFFSET));
}

describe('records > encodeRecordBatch > against librdkafka', () => {
  test('re-encodes fixture 02 (null key, tombstone, empty value) to the same records bytes', () => {
    const c = batchCase('02-keys-tombstone-empty.bin');
    const ours = encodeRecordBatch(producerRecordsOf(c));
    const theirs = readBatchFixture(c.file);
    assert.equal(ours.subarray(RECORDS_OFFSET).toString('hex'), theirs.subarray(RECORDS_OFFSET).toString('hex'));
  });

  test('re-encodes fixture 15 (kcat: headers with a null value, null value) to the same records bytes', () => {
    const c = batchCase('15-kcat-keys-headers.bin');
    const ours = encodeRecordBatch(producerRecordsOf(c));
    const theirs = readBatchFixture(c.file);
    assert.equal(ours.subarray(RECORDS_OFFSET).toString('hex'), theirs.subarray(RECORDS_OFFSET).toString('hex'));
  });

  for (const c of loadBatchCases()) {
    test(`re-encodes the records of ${c.file} to librdkafka's uncompressed records section`, () => {
      const ours = encodeRecordBatch(producerRecordsOf(c));
      assert.equal(batchDefect(ours, 0, ours.length), null);
      assert.deepEqual(ours.subarray(RECORDS_OFFSET), fixtureRecordsSection(readBatchFixture(c.file)));
    });
  }

  // Without idempotence or transactions both clients write the same header, except
  // partitionLeaderEpoch: librdkafka writes 0, spool (like the Java producer) -1. That field is
  // outside the CRC, so with it set to 0 the whole batch, CRC included, must be identical.
  for (const c of loadBatchCases()) {
    if (c.compression !== 'none' || c.batch.producerId !== -1) continue;
    test(`re-encodes ${c.file} to the identical batch apart from partitionLeaderEpoch`, () => {
      const ours = encodeRecordBatch(producerRecordsOf(c));
      assert.equal(ours.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET), -1);
      ours.writeInt32BE(0, PARTITION_LEADER_EPOCH_OFFSET);
      assert.equal(ours.toString('hex'), readBatchFixture(c.file).toString('hex'));
    });
  }

  // The idempotent and transactional batches differ in producerId, producerEpoch, baseSequence,
  // the transactional bit and so the CRC, all of which encodeRecordBatch leaves to the producer.
  for (const file of ['11-idempotent-first.bin', '12-idempotent-second.bin', '16-transactional.bin']) {
    test(`agrees with ${file} on every header field an encoder without idempotence controls`, () => {
      const c = batchCase(file);
      const ours = readBatchHeader(encodeRecordBatch(producerRecordsOf(c)));
      const theirs = readBatchHeader(readBatchFixture(file));
      for (const field of ['baseOffset', 'batchLength', 'magic', 'lastOffsetDelta', 'baseTimestamp', 'maxTimestamp', 'recordCount'] as const) {
        assert.equal(ours[field], theirs[field], field);
      }
      assert.equal(ours.attributes & COMPRESSION_MASK, theirs.attributes & COMPRESSION_MASK);
      assert.notEqual(theirs.producerId, -1);
      assert.equal(ours.producerId, -1);
    });
  }

  test('gzip-encodes the compression set to the records librdkafka gzipped (compressed bytes may differ)', () => {
    // zlib versions and levels pick different deflate blocks, so only the content can be compared.
    const c = batchCase('07-compression-gzip.bin');
    const ours = encodeRecordBatch(producerRecordsOf(c), Compression.Gzip);
    const header = readBatchHeader(ours);
    assert.equal(header.attributes, c.batch.attributes);
    assert.deepEqual(fixtureRecordsSection(ours), fixtureRecordsSection(readBatchFixture(c.file)));
  });
});
