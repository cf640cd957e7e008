// FileRanges: reading a LocalFetch's file ranges out of real segment files written by a real
// PartitionLog. Chunks are whole batches; a first batch larger than the chunk is read whole; a file
// that is gone or another inode now drops the range, and three failures in a row refuse ranges for
// good; no descriptor stays open once a range is used up, dropped or closed.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { FileRanges } from '../../../src/client/file-ranges.js';
import type { FileRange } from '../../../src/protocol/messages/fetch.js';
import { appendAll, batchesIn, makeBatches, range, recordsIn, useStorageFixture } from '../../helpers/storage-fixtures.js';

const heapMemory = { take: (size: number) => Buffer.allocUnsafe(size) };
const openDescriptors = () => readdirSync('/proc/self/fd').length;

describe('client > FileRanges', () => {
  const fixture = useStorageFixture();

  /** A log of `batches` batches of 10 records of ~200 bytes, and the range of about `maxBytes` of it from its start. */
  function rangeOfLog(batches: number, maxBytes = Number.MAX_SAFE_INTEGER): FileRange {
    const { log } = fixture.openTopic();
    appendAll(log, makeBatches(range(batches).map(() => 10), { valueBytes: 200 }));
    return log.locate(0, 1, maxBytes)!;
  }

  test('reads whole batches, a chunk at a time, to the end of the range', () => {
    const file = rangeOfLog(30);
    const before = openDescriptors();
    const ranges = new FileRanges(heapMemory);
    ranges.add('t/0', 0, file, 0, 300);
    const offsets: number[] = [];
    let reads = 0;
    while (ranges.covers('t/0', offsets.length)) {
      const read = ranges.read('t/0', Buffer.alloc(5000));
      assert.ok(read.records.length > 0 && read.records.length <= 5000, `${read.records.length} bytes`);
      assert.equal(read.highWatermark, 300);
      offsets.push(...recordsIn(read.records).map((r) => r.offset));
      reads++;
    }
    assert.deepEqual(offsets, range(300));
    assert.ok(reads > 5, `${reads} reads`);
    assert.equal(openDescriptors(), before, 'the file is closed at the end of the range');
  });

  test('a range shorter than the log ends where it says: the consumer asks the broker from there', () => {
    const file = rangeOfLog(30, 10_000);
    const ranges = new FileRanges(heapMemory);
    ranges.add('t/0', 0, file, 0, 300);
    const read = ranges.read('t/0', Buffer.alloc(1 << 20));
    assert.equal(read.records.length, file.end);
    assert.deepEqual(recordsIn(read.records).map((r) => r.offset), range(file.endOffset));
    assert.equal(ranges.covers('t/0', file.endOffset), false, 'used up');
  });

  test('a first batch larger than the chunk is read whole', () => {
    const file = rangeOfLog(3);
    const ranges = new FileRanges(heapMemory);
    ranges.add('t/0', 0, file, 0, 30);
    const read = ranges.read('t/0', Buffer.alloc(100));
    assert.deepEqual(batchesIn(read.records).map((b) => [b.baseOffset, b.lastOffset]), [[0, 9]]);
    assert.ok(ranges.covers('t/0', 10));
  });

  test('a file renamed over the path or removed drops the range; three failures in a row refuse ranges', () => {
    const file = rangeOfLog(5);
    const [path] = fixture.segmentPaths();
    copyFileSync(path!, `${path}.copy`);
    renameSync(`${path}.copy`, path!); // same bytes, another inode: as compaction leaves it
    const ranges = new FileRanges(heapMemory);
    ranges.add('t/0', 0, file, 0, 50);
    assert.equal(ranges.read('t/0', Buffer.alloc(1 << 20)).records.length, 0);
    assert.equal(ranges.covers('t/0', 0), false, 'dropped');
    assert.equal(ranges.wanted, true, 'one failure is not yet a reason to stop');
    rmSync(path!);
    ranges.add('t/0', 0, file, 0, 50);
    assert.equal(ranges.read('t/0', Buffer.alloc(1 << 20)).records.length, 0);
    ranges.add('t/0', 0, file, 0, 50);
    assert.equal(ranges.read('t/0', Buffer.alloc(1 << 20)).records.length, 0);
    assert.equal(ranges.wanted, false);
    ranges.add('t/0', 0, file, 0, 50);
    assert.equal(ranges.covers('t/0', 0), false, 'no range is taken once refused');
  });

  test('a position moved away from the range drops it; close() closes what is open', () => {
    const file = rangeOfLog(10);
    const before = openDescriptors();
    const ranges = new FileRanges(heapMemory);
    ranges.add('t/0', 0, file, 0, 100);
    ranges.read('t/0', Buffer.alloc(3000));
    assert.equal(openDescriptors(), before + 1, 'the file stays open between reads');
    assert.equal(ranges.covers('t/0', 55), false, 'a seek elsewhere');
    assert.equal(openDescriptors(), before);
    ranges.add('t/0', 0, file, 0, 100);
    ranges.add('t/1', 0, file, 0, 100);
    ranges.read('t/0', Buffer.alloc(3000));
    ranges.read('t/1', Buffer.alloc(3000));
    assert.equal(openDescriptors(), before + 2);
    ranges.close();
    assert.equal(openDescriptors(), before);
    assert.equal(ranges.covers('t/0', 10), false);
    assert.equal(ranges.wanted, true, 'closing is not refusing');
  });
});
