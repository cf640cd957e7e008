// batchDefect on real client batches edited the way bit rot, torn writes and foreign data do it:
// every flipped byte the CRC covers is caught, and a wrong length or magic is named.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptBatchError } from '../../../src/common/errors.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  assertValidBatch,
  batchDefect,
  batchSizeAt,
  sealBatch,
} from '../../../src/records/record-batch.js';
import { loadBatchCases, readBatchFixture } from '../../helpers/fixtures.js';

const cases = loadBatchCases();

describe('records > batchDefect', () => {
  test('reports a CRC mismatch for a flipped byte anywhere from attributes to the end', () => {
    for (const c of cases) {
      const bytes = readBatchFixture(c.file);
      for (let i = ATTRIBUTES_OFFSET; i < bytes.length; i++) {
        const edited = Buffer.from(bytes);
        edited[i] = edited[i]! ^ 0xff;
        const defect = batchDefect(edited, 0, edited.length);
        assert.match(defect ?? 'no defect', /^CRC-32C mismatch/, `${c.file} byte ${i}`);
      }
    }
  });

  test('reports a CRC mismatch for a single flipped bit, including one inside the crc field', () => {
    const bytes = readBatchFixture('03-headers-utf8.bin');
    for (const i of [CRC_OFFSET, CRC_OFFSET + 3, ATTRIBUTES_OFFSET, 40, bytes.length - 1]) {
      for (let bit = 0; bit < 8; bit++) {
        const edited = Buffer.from(bytes);
        edited[i] = edited[i]! ^ (1 << bit);
        assert.match(batchDefect(edited, 0, edited.length) ?? 'no defect', /^CRC-32C mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/);
      }
    }
  });

  test('ignores baseOffset and partitionLeaderEpoch, which the CRC leaves out so the broker can stamp them', () => {
    const bytes = readBatchFixture('01-basic-no-key.bin');
    const edited = Buffer.from(bytes);
    edited.fill(0x5a, BASE_OFFSET_OFFSET, BASE_OFFSET_OFFSET + 8);
    edited.writeInt32BE(1234, PARTITION_LEADER_EPOCH_OFFSET);
    assert.equal(batchDefect(edited, 0, edited.length), null);
  });

  test('reports a batchLength that does not match the bytes present', () => {
    const bytes = readBatchFixture('06-compression-none.bin');
    const length = bytes.readInt32BE(BATCH_LENGTH_OFFSET);
    for (const wrong of [length + 1, length - 1, 0, -1, 0x7fffffff]) {
      const edited = Buffer.from(bytes);
      edited.writeInt32BE(wrong, BATCH_LENGTH_OFFSET);
      assert.equal(batchDefect(edited, 0, edited.length), `batchLength says ${wrong + 12} bytes, ${bytes.length} present`);
    }
  });

  test('reports a torn batch (cut short) without reading past the buffer', () => {
    const bytes = readBatchFixture('05-100-records.bin');
    for (const keep of [BATCH_HEADER_SIZE, BATCH_HEADER_SIZE + 1, bytes.length - 1]) {
      const torn = bytes.subarray(0, keep);
      // As a caller scanning a segment does it: the size comes from the batch's own length field.
      const defect = batchDefect(torn, 0, batchSizeAt(torn, 0));
      assert.equal(defect, `batch of ${bytes.length} bytes runs past the ${keep} bytes present`);
      assert.match(batchDefect(torn, 0, torn.length) ?? 'no defect', /^batchLength says/);
    }
  });

  test('reports a batch shorter than its header', () => {
    const bytes = readBatchFixture('01-basic-no-key.bin');
    assert.equal(batchDefect(bytes, 0, 60), 'batch of 60 bytes is shorter than its 61-byte header');
    assert.equal(batchDefect(bytes.subarray(0, 10), 0, 10), 'batch of 10 bytes is shorter than its 61-byte header');
  });

  test('reports a magic byte other than 2, even with the CRC left intact', () => {
    const bytes = readBatchFixture('02-keys-tombstone-empty.bin');
    for (const magic of [0, 1, 3, -1]) {
      const edited = Buffer.from(bytes);
      edited.writeInt8(magic, MAGIC_OFFSET);
      assert.equal(batchDefect(edited, 0, edited.length), `magic byte is ${magic}, only RecordBatch v2 (magic 2) is supported`);
    }
  });

  test('reports a recordCount that does not fit lastOffsetDelta, even under a valid CRC', () => {
    const bytes = readBatchFixture('01-basic-no-key.bin');
    const edited = Buffer.from(bytes);
    edited.writeInt32BE(1, LAST_OFFSET_DELTA_OFFSET);
    sealBatch(edited, 0, edited.length);
    assert.equal(batchDefect(edited, 0, edited.length), 'recordCount 3 does not fit lastOffsetDelta 1');
  });

  test('checks a batch in the middle of a buffer holding several', () => {
    const first = readBatchFixture('11-idempotent-first.bin');
    const second = readBatchFixture('12-idempotent-second.bin');
    const segment = Buffer.concat([first, second, first]);
    assert.equal(batchDefect(segment, first.length, second.length), null);
    segment[first.length + 70] = segment[first.length + 70]! ^ 1;
    assert.match(batchDefect(segment, first.length, second.length) ?? 'no defect', /^CRC-32C mismatch/);
    assert.equal(batchDefect(segment, 0, first.length), null);
  });

  test('assertValidBatch throws the defect as a CorruptBatchError', () => {
    const edited = Buffer.from(readBatchFixture('01-basic-no-key.bin'));
    edited[edited.length - 1] = edited[edited.length - 1]! ^ 1;
    assert.throws(() => assertValidBatch(edited, 0, edited.length), (err: unknown) => {
      assert.ok(err instanceof CorruptBatchError);
      assert.match(err.message, /^CRC-32C mismatch/);
      return true;
    });
    const intact = readBatchFixture('01-basic-no-key.bin');
    assert.doesNotThrow(() => assertValidBatch(intact, 0, intact.length));
  });
});
