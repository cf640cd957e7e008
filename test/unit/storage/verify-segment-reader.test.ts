// SegmentReader, the read-only batch walk under verify and dump: it reads up to the size the file
// had when opened, steps over a batch whose CRC fails, stops where no next batch can be found, and
// tells a last batch cut short by a file that has grown since (a broker appending) from a torn one.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SegmentReader, type SegmentBatch } from '../../../src/storage/inspect/segment-reader.js';
import { appendBytes, flipByte, garbage, makeBatches, useTempDir } from '../../helpers/storage-fixtures.js';

function batchesOf(reader: SegmentReader): Array<Omit<SegmentBatch, 'bytes' | 'header'> & { baseOffset: number }> {
  return [...reader.batches()].map(({ bytes: _bytes, header, ...rest }) => ({ ...rest, baseOffset: header.baseOffset }));
}

describe('storage > verify > SegmentReader', () => {
  const temp = useTempDir();

  /** Three batches (2, 3, 1 records) back to back, base offsets as a log would stamp them. */
  function segment(): { path: string; sizes: number[] } {
    const batches = makeBatches([2, 3, 1]);
    let offset = 0;
    for (const batch of batches) {
      batch.writeBigInt64BE(BigInt(offset));
      offset += batch.readInt32BE(23) + 1;
    }
    const path = join(temp.path, '00000000000000000000.log');
    writeFileSync(path, Buffer.concat(batches));
    return { path, sizes: batches.map((b) => b.length) };
  }

  test('walks every batch with its position, size and offsets', () => {
    const { path, sizes } = segment();
    const reader = SegmentReader.open(path);
    try {
      assert.deepEqual(
        batchesOf(reader).map((b) => [b.position, b.sizeBytes, b.baseOffset, b.lastOffset, b.crcValid, b.defect]),
        [
          [0, sizes[0], 0, 1, true, null],
          [sizes[0], sizes[1], 2, 4, true, null],
          [sizes[0]! + sizes[1]!, sizes[2], 5, 5, true, null],
        ],
      );
      assert.equal(reader.stop, null);
    } finally {
      reader.close();
    }
  });

  test('steps over a batch whose CRC fails', () => {
    const { path, sizes } = segment();
    flipByte(path, sizes[0]! + 70);
    const reader = SegmentReader.open(path);
    try {
      const batches = batchesOf(reader);
      assert.deepEqual(batches.map((b) => b.crcValid), [true, false, true]);
      assert.match(batches[1]!.defect ?? '', /^CRC-32C mismatch/);
      assert.equal(reader.stop, null);
    } finally {
      reader.close();
    }
  });

  test('stops at an impossible length field, a wrong magic byte or a torn batch', () => {
    const { path, sizes } = segment();
    const end = sizes[0]! + sizes[1]! + sizes[2]!;
    appendBytes(path, garbage(80));
    let reader = SegmentReader.open(path);
    assert.equal(batchesOf(reader).length, 3);
    assert.equal(reader.stop?.position, end);
    assert.match(reader.stop?.reason ?? '', /impossible/);
    reader.close();

    flipByte(path, sizes[0]! + 16); // the second batch's magic byte
    reader = SegmentReader.open(path);
    assert.equal(batchesOf(reader).length, 1);
    assert.deepEqual([reader.stop?.position, reader.stop?.baseOffset, reader.stop?.grown], [sizes[0], 2, false]);
    assert.match(reader.stop?.reason ?? '', /magic byte is -3, not 2/);
    reader.close();
  });

  test('reads only up to the size at open; a last batch cut short by it is "grown" once the file is longer', () => {
    const { path, sizes } = segment();
    const whole = Buffer.concat(makeBatches([4]));
    whole.writeBigInt64BE(6n);
    appendBytes(path, whole.subarray(0, 30));
    const reader = SegmentReader.open(path);
    try {
      appendBytes(path, whole.subarray(30)); // the broker finishes its write
      appendBytes(path, whole); // and appends another batch
      assert.equal(batchesOf(reader).length, 3);
      assert.deepEqual(reader.stop, {
        position: sizes[0]! + sizes[1]! + sizes[2]!,
        baseOffset: 6,
        reason: `batch of ${whole.length} bytes runs past the end of the file (30 bytes left)`,
        grown: true,
      });
    } finally {
      reader.close();
    }
    const again = SegmentReader.open(path);
    assert.equal(batchesOf(again).length, 5);
    assert.equal(again.stop, null);
    again.close();
  });

  test('a torn last batch in a file that has not grown is not "grown"', () => {
    const { path } = segment();
    appendBytes(path, Buffer.concat(makeBatches([4])).subarray(0, 8));
    const reader = SegmentReader.open(path);
    assert.equal(batchesOf(reader).length, 3);
    assert.equal(reader.stop?.grown, false);
    assert.match(reader.stop?.reason ?? '', /8 trailing bytes are too few for a batch header/);
    reader.close();
  });
});
