// scanSegmentFile, the check behind recovery: it visits every good batch of a real file and stops
// at the first torn, corrupt, impossible or backwards batch, saying where and why, whatever the
// batch sizes are relative to its read chunk.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_LENGTH_OFFSET, RECORDS_OFFSET, stampBaseOffset } from '../../../src/records/record-batch.js';
import { scanSegmentFile, type ScannedBatch } from '../../../src/storage/segment-scanner.js';
import { appendBytes, BASE_TIMESTAMP, flipByte, makeBatches, useTempDir, writeAt } from '../../helpers/storage-fixtures.js';

/** Batches of `counts` records stamped with consecutive offsets from `base`, and their sizes. */
function stampedRun(counts: number[], base = 0, valueBytes = 0): { bytes: Buffer; sizes: number[] } {
  const batches = makeBatches(counts, { valueBytes });
  let offset = base;
  batches.forEach((batch, i) => {
    stampBaseOffset(batch, 0, offset);
    offset += counts[i]!;
  });
  return { bytes: Buffer.concat(batches), sizes: batches.map((b) => b.length) };
}

function scanAll(path: string, fromPosition = 0, minOffset = 0): { batches: Omit<ScannedBatch, 'bytes'>[]; result: ReturnType<typeof scanSegmentFile> } {
  const batches: Omit<ScannedBatch, 'bytes'>[] = [];
  const result = scanSegmentFile(path, fromPosition, minOffset, ({ bytes, ...rest }) => {
    assert.equal(bytes.length, rest.sizeBytes);
    batches.push(rest);
  });
  return { batches, result };
}

describe('storage > scanSegmentFile', () => {
  const dir = useTempDir();
  const file = (): string => join(dir.path, 'segment.log');

  test('visits every batch of a good file with its position, offsets and max timestamp', () => {
    const { bytes, sizes } = stampedRun([1, 3, 2], 10);
    writeFileSync(file(), bytes);
    const { batches, result } = scanAll(file(), 0, 10);
    assert.deepEqual(
      batches.map((b) => [b.position, b.sizeBytes, b.baseOffset, b.lastOffset, b.recordCount]),
      [
        [0, sizes[0], 10, 10, 1],
        [sizes[0], sizes[1], 11, 13, 3],
        [sizes[0]! + sizes[1]!, sizes[2], 14, 15, 2],
      ],
    );
    assert.deepEqual(batches.map((b) => b.maxTimestamp), [BASE_TIMESTAMP, BASE_TIMESTAMP + 3, BASE_TIMESTAMP + 5]);
    assert.deepEqual(result, { validEnd: bytes.length, nextOffset: 16, problem: null, fileSizeBytes: bytes.length });
  });

  test('an empty file is clean and keeps the expected offset', () => {
    writeFileSync(file(), Buffer.alloc(0));
    assert.deepEqual(scanAll(file(), 0, 42).result, { validEnd: 0, nextOffset: 42, problem: null, fileSizeBytes: 0 });
  });

  test('a file cut inside a batch stops at the last whole batch as a torn write', () => {
    const { bytes, sizes } = stampedRun([2, 2, 2]);
    writeFileSync(file(), bytes);
    truncateSync(file(), bytes.length - 7);
    const { batches, result } = scanAll(file());
    assert.equal(batches.length, 2);
    assert.equal(result.validEnd, sizes[0]! + sizes[1]!);
    assert.equal(result.nextOffset, 4);
    assert.match(result.problem ?? '', /torn write/);
  });

  test('a tail too short for a batch header is a torn write', () => {
    const { bytes } = stampedRun([2]);
    writeFileSync(file(), bytes);
    appendBytes(file(), Buffer.alloc(RECORDS_OFFSET - 1));
    const { result } = scanAll(file());
    assert.equal(result.validEnd, bytes.length);
    assert.match(result.problem ?? '', /too few for a batch header/);
  });

  test('a length field no batch can have stops the scan there', () => {
    const { bytes, sizes } = stampedRun([1, 1, 1]);
    writeFileSync(file(), bytes);
    const at = sizes[0]! + sizes[1]!;
    for (const length of [0, -1, 2 ** 31 - 1]) {
      const field = Buffer.alloc(4);
      field.writeInt32BE(length);
      writeAt(file(), at + BATCH_LENGTH_OFFSET, field);
      const { result } = scanAll(file());
      assert.equal(result.validEnd, at, `length ${length}`);
      assert.equal(result.nextOffset, 2);
      assert.match(result.problem ?? '', /impossible|past the end/);
    }
  });

  test('a flipped byte fails the CRC of its batch and nothing from there on is visited', () => {
    const { bytes, sizes } = stampedRun([3, 3, 3]);
    writeFileSync(file(), bytes);
    flipByte(file(), sizes[0]! + RECORDS_OFFSET + 2);
    const { batches, result } = scanAll(file());
    assert.equal(batches.length, 1);
    assert.equal(result.validEnd, sizes[0]);
    assert.equal(result.nextOffset, 3);
    assert.match(result.problem ?? '', /CRC-32C mismatch/);
  });

  test('a batch whose base offset goes backwards is refused', () => {
    const first = stampedRun([5], 0);
    const second = stampedRun([1], 2);
    writeFileSync(file(), Buffer.concat([first.bytes, second.bytes]));
    const { result } = scanAll(file());
    assert.equal(result.validEnd, first.bytes.length);
    assert.match(result.problem ?? '', /goes back before 5/);
  });

  test('a first batch below the expected offset is refused at position 0', () => {
    writeFileSync(file(), stampedRun([2], 3).bytes);
    const { batches, result } = scanAll(file(), 0, 10);
    assert.equal(batches.length, 0);
    assert.equal(result.validEnd, 0);
    assert.equal(result.nextOffset, 10);
  });

  test('a scan can start at a later batch and can be stopped by the visitor', () => {
    const { bytes, sizes } = stampedRun([1, 1, 1, 1]);
    writeFileSync(file(), bytes);
    const fromSecond = scanAll(file(), sizes[0]!, 1);
    assert.deepEqual(fromSecond.batches.map((b) => b.baseOffset), [1, 2, 3]);
    const seen: number[] = [];
    const stopped = scanSegmentFile(file(), 0, 0, (batch) => {
      seen.push(batch.baseOffset);
      return batch.baseOffset < 1;
    });
    assert.deepEqual(seen, [0, 1]);
    assert.equal(stopped.validEnd, sizes[0]! + sizes[1]!);
    assert.equal(stopped.nextOffset, 2);
    assert.equal(stopped.problem, null);
  });

  test('batches across read-chunk boundaries and a batch larger than a chunk are scanned whole', () => {
    const small = stampedRun([1, 1, 1, 1, 1, 1, 1], 0, 300 * 1024);
    const huge = stampedRun([1], 7, 3 * 1024 * 1024);
    const tail = stampedRun([2], 8, 10);
    writeFileSync(file(), Buffer.concat([small.bytes, huge.bytes, tail.bytes]));
    const { batches, result } = scanAll(file());
    assert.deepEqual(batches.map((b) => b.baseOffset), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(batches[7]!.sizeBytes, huge.bytes.length);
    assert.equal(result.problem, null);
    assert.equal(result.nextOffset, 10);
  });

  test('a corrupt batch after a chunk boundary is found at its exact position', () => {
    const { bytes, sizes } = stampedRun([1, 1, 1, 1, 1], 0, 400 * 1024);
    writeFileSync(file(), bytes);
    const badAt = sizes[0]! + sizes[1]! + sizes[2]!;
    flipByte(file(), badAt + RECORDS_OFFSET + 100);
    const { result } = scanAll(file());
    assert.equal(result.validEnd, badAt);
    assert.equal(result.nextOffset, 3);
    assert.match(result.problem ?? '', /CRC/);
  });

  test('with contiguous set, a batch that skips offsets is refused (an active segment has no gaps)', () => {
    const first = stampedRun([3], 0);
    const skipping = stampedRun([1], 5);
    writeFileSync(file(), Buffer.concat([first.bytes, skipping.bytes]));
    assert.equal(scanAll(file()).result.problem, null, 'gaps are fine in a closed segment compaction may have rewritten');
    const result = scanSegmentFile(file(), 0, 0, () => {}, { contiguous: true });
    assert.equal(result.validEnd, first.bytes.length);
    assert.equal(result.nextOffset, 3);
    assert.match(result.problem ?? '', /does not follow on from 3/);
    const wrongStart = scanSegmentFile(file(), 0, 1, () => {}, { contiguous: true });
    assert.equal(wrongStart.validEnd, 0, 'the first batch must start at the expected offset');
  });

  test('with endOffset set, a batch reaching the next segment is refused', () => {
    const { bytes, sizes } = stampedRun([3, 3]);
    writeFileSync(file(), bytes);
    assert.equal(scanSegmentFile(file(), 0, 0, () => {}, { endOffset: 6 }).problem, null);
    const result = scanSegmentFile(file(), 0, 0, () => {}, { endOffset: 5 });
    assert.equal(result.validEnd, sizes[0]);
    assert.match(result.problem ?? '', /reach past the segment's end at 5/);
  });

  test('a base offset outside the safe integer range is a problem, not an exception', () => {
    const { bytes, sizes } = stampedRun([2, 2]);
    writeFileSync(file(), bytes);
    writeAt(file(), sizes[0]!, Buffer.from([0xff]));
    const { result } = scanAll(file());
    assert.equal(result.validEnd, sizes[0]);
    assert.match(result.problem ?? '', /safe integer range/);
  });
});
