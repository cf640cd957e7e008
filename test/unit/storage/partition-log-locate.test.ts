// PartitionLog.locate: where the batches from the one holding an offset on lie in the file (a
// LocalFetch's file range), without reading them. The range starts at a batch boundary at or
// before the offset, ends at the segment's end or at an indexed batch boundary within max bytes,
// names the file's inode, and below min bytes, at the log end or outside the log there is none.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { OffsetOutOfRangeError } from '../../../src/common/errors.js';
import { appendAll, batchesIn, makeBatches, range, recordsIn, useStorageFixture } from '../../helpers/storage-fixtures.js';

const ALL = Number.MAX_SAFE_INTEGER;

describe('storage > PartitionLog > locate', () => {
  const fixture = useStorageFixture();

  /** The bytes of [position, end) of the range's file. */
  const bytesOf = (file: { path: string; position: number; end: number }) => readFileSync(file.path).subarray(file.position, file.end);

  test('a range runs from a batch boundary at or before the offset to the segment end', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches(range(40).map(() => 10), { valueBytes: 200 }));
    const [path] = fixture.segmentPaths();
    const file = log.locate(205, 1, ALL);
    assert.ok(file !== null);
    assert.equal(file.path, path);
    assert.equal(file.inode, statSync(path!).ino);
    assert.equal(file.end, statSync(path!).size);
    assert.equal(file.endOffset, 400);
    const batches = batchesIn(bytesOf(file));
    assert.ok(batches[0]!.baseOffset <= 205 && batches.some((b) => b.baseOffset <= 205 && b.lastOffset >= 205), 'the batch holding the offset is in the range');
    assert.equal(batches.at(-1)!.lastOffset, 399);
    const offsets = recordsIn(bytesOf(file)).map((r) => r.offset);
    assert.deepEqual(offsets.filter((o) => o >= 205), range(195, 205));
  });

  test('less than min bytes from the offset on, at the log end or outside the log: no range', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches([10, 10, 10], { valueBytes: 100 }));
    const whole = log.locate(0, 1, ALL)!;
    assert.equal(log.locate(0, whole.end + 1, ALL), null);
    assert.equal(log.locate(30, 1, ALL), null);
    assert.throws(() => log.locate(31, 1, ALL), OffsetOutOfRangeError);
    assert.throws(() => log.locate(-1, 1, ALL), OffsetOutOfRangeError);
  });

  test('a range ends with its segment; the next one starts in the following segment', () => {
    const { log } = fixture.openTopic('t', { 'segment.bytes': '4096' });
    appendAll(log, makeBatches(range(30).map(() => 5), { valueBytes: 100 }));
    const paths = fixture.segmentPaths();
    assert.ok(paths.length > 2, `${paths.length} segments`);
    const first = log.locate(0, 1, ALL)!;
    assert.equal(first.path, paths[0]);
    assert.equal(first.end, statSync(paths[0]!).size);
    const second = log.locate(first.endOffset, 1, ALL)!;
    assert.equal(second.path, paths[1]);
    assert.equal(second.position, 0);
    assert.equal(batchesIn(bytesOf(second))[0]!.baseOffset, first.endOffset);
  });

  test('max bytes ends a range at an indexed batch boundary within it; the next range starts there', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches(range(40).map(() => 10), { valueBytes: 200 }));
    const whole = log.locate(0, 1, ALL)!;
    const file = log.locate(0, 1, 10_000)!;
    assert.equal(file.position, 0);
    assert.ok(file.end > 5000 && file.end <= 10_000, `ends at ${file.end}`);
    const batches = batchesIn(bytesOf(file));
    assert.equal(batches.at(-1)!.position + batches.at(-1)!.sizeBytes, file.end, 'whole batches');
    assert.equal(file.endOffset, batches.at(-1)!.lastOffset + 1);
    assert.equal(log.locate(0, file.end + 1, 10_000), null, 'less than min bytes within max bytes');
    const next = log.locate(file.endOffset, 1, ALL)!;
    assert.equal(next.position, file.end);
    assert.equal(next.end, whole.end);
    assert.equal(log.locate(0, 1, 100), null, 'no batch boundary within max bytes: the caller reads');
  });

  test('a read after a range goes on where the range ended', () => {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches([10, 10], { valueBytes: 100 }));
    const file = log.locate(0, 1, ALL)!;
    appendAll(log, makeBatches([7], { first: 20, valueBytes: 100 }));
    const after = batchesIn(log.read(file.endOffset, 1 << 20));
    assert.deepEqual(after.map((b) => [b.baseOffset, b.lastOffset]), [[20, 26]]);
  });
});
