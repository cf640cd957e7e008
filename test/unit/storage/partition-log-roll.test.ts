// Rolling: past segment.bytes (or segment.ms) the active segment is closed and a new one starts
// at the log end offset, in a file named by that offset. Reads, timestamp seeks and reopening work
// across the boundaries, and a batch larger than segment.bytes gets a segment of its own.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { parseSegmentFileName } from '../../../src/storage/file-names.js';
import {
  appendAll,
  batchesIn,
  batchesInFile,
  fileSize,
  makeBatch,
  makeBatches,
  offsetsOf,
  range,
  readAll,
  useStorageFixture,
} from '../../helpers/storage-fixtures.js';

const SMALL_SEGMENT = { 'segment.bytes': '1024' };

/** Descriptors of this process open on files under `dir` (Linux /proc), or null elsewhere. */
function openFilesUnder(dir: string): number | null {
  if (!existsSync('/proc/self/fd')) return null;
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir + '/')) count++;
    } catch {
      // the descriptor readdir itself used is gone by now
    }
  }
  return count;
}

describe('storage > PartitionLog > roll', () => {
  const fixture = useStorageFixture();

  test('past segment.bytes a new segment starts, named by its 20-digit base offset', () => {
    const { log } = fixture.openTopic('t', SMALL_SEGMENT);
    const batches = makeBatches(range(12).map(() => 2), { valueBytes: 120 });
    assert.ok(batches[0]!.length > 250 && batches[0]!.length < 400);
    appendAll(log, batches);
    const paths = fixture.segmentPaths();
    assert.ok(paths.length >= 4, `${paths.length} segments`);
    assert.equal(log.segmentCount, paths.length);
    for (const path of paths) {
      const name = basename(path);
      assert.match(name, /^\d{20}\.log$/);
      const inFile = batchesInFile(path);
      assert.equal(inFile[0]!.baseOffset, parseSegmentFileName(name), `${name} starts with its base offset`);
      assert.ok(fileSize(path) <= 1024, `${name} holds at most segment.bytes`);
    }
    assert.deepEqual(offsetsOf(readAll(log)), range(24));
    assert.equal(log.sizeBytes, paths.reduce((sum, p) => sum + fileSize(p), 0));
  });

  test('closed segments are recorded with their end offset, size and max timestamp', () => {
    const { logs, log } = fixture.openTopic('t', SMALL_SEGMENT);
    appendAll(log, makeBatches(range(8).map(() => 2), { valueBytes: 150, timestamp: (i) => 100 + i }));
    const paths = fixture.segmentPaths();
    const rows = logs.index.segments(log.partitionId);
    assert.equal(rows.length, paths.length - 1, 'every segment but the active one');
    rows.forEach((row, i) => {
      const next = parseSegmentFileName(basename(paths[i + 1]!));
      assert.equal(row.baseOffset, parseSegmentFileName(basename(paths[i]!)));
      assert.equal(row.nextOffset, next);
      assert.equal(row.sizeBytes, fileSize(paths[i]!));
      assert.equal(row.maxTimestamp, 100 + next! - 1);
    });
  });

  test('reads cross segment boundaries and an offset at a segment base reads its first batch', () => {
    const { log } = fixture.openTopic('t', SMALL_SEGMENT);
    appendAll(log, makeBatches(range(15).map((i) => 1 + (i % 3)), { valueBytes: 100 }));
    const bases = fixture.segmentPaths().map((p) => parseSegmentFileName(basename(p))!);
    assert.ok(bases.length >= 3);
    for (const base of bases.slice(1)) {
      assert.equal(batchesIn(log.read(base, 1))[0]!.baseOffset, base);
      assert.equal(batchesIn(log.read(base - 1, 1))[0]!.lastOffset, base - 1, 'the offset before is in the previous segment');
    }
    for (const maxBytes of [1, 500, 1 << 20]) {
      assert.deepEqual(offsetsOf(readAll(log, 0, maxBytes)), range(log.nextOffset), `maxBytes ${maxBytes}`);
    }
    assert.deepEqual(offsetsOf(readAll(log, bases[1]! + 1)), range(log.nextOffset - bases[1]! - 1, bases[1]! + 1));
  });

  test('a batch larger than segment.bytes gets a segment of its own', () => {
    const { log } = fixture.openTopic('t', SMALL_SEGMENT);
    log.append(makeBatch(2, { valueBytes: 50 }));
    const big = makeBatch(3, { first: 2, valueBytes: 1000 });
    assert.ok(big.length > 1024);
    log.append(big);
    log.append(makeBatch(1, { first: 5 }));
    const paths = fixture.segmentPaths();
    assert.deepEqual(paths.map((p) => parseSegmentFileName(basename(p))), [0, 2, 5]);
    assert.deepEqual(batchesInFile(paths[1]!).map((b) => [b.baseOffset, b.lastOffset]), [[2, 4]]);
    assert.equal(fileSize(paths[1]!), big.length);
    assert.deepEqual(offsetsOf(readAll(log)), range(6));
  });

  test('one append of many batches is split across segments at segment.bytes', () => {
    const { log } = fixture.openTopic('t', SMALL_SEGMENT);
    const answer = log.append(Buffer.concat(makeBatches(range(10).map(() => 3), { valueBytes: 80 })));
    assert.deepEqual(answer, { baseOffset: 0, lastOffset: 29 });
    const paths = fixture.segmentPaths();
    assert.ok(paths.length >= 3);
    for (const path of paths) assert.ok(fileSize(path) <= 1024);
    assert.deepEqual(offsetsOf(readAll(log)), range(30));
  });

  test('offsetForTimestamp finds records in any segment', () => {
    const { log } = fixture.openTopic('t', SMALL_SEGMENT);
    appendAll(log, makeBatches(range(20).map(() => 2), { valueBytes: 100, timestamp: (i) => 1000 + 10 * i }));
    assert.ok(log.segmentCount >= 4);
    for (const offset of range(40)) {
      assert.equal(log.offsetForTimestamp(1000 + 10 * offset), offset, `exact timestamp of offset ${offset}`);
      assert.equal(log.offsetForTimestamp(1000 + 10 * offset - 5), offset, `just before offset ${offset}`);
    }
    assert.equal(log.offsetForTimestamp(0), 0);
    assert.equal(log.offsetForTimestamp(1000 + 10 * 39 + 1), null);
  });

  test('after reopening, the segments are all there and appends go on in the active one', () => {
    const { logs, log } = fixture.openTopic('t', SMALL_SEGMENT);
    appendAll(log, makeBatches(range(10).map(() => 2), { valueBytes: 100 }));
    const before = fixture.segmentPaths();
    const { log: reopened, recovered } = fixture.reopen(logs);
    assert.deepEqual(recovered, []);
    assert.equal(reopened.segmentCount, before.length);
    assert.equal(reopened.nextOffset, 20);
    reopened.append(makeBatch(1, { first: 20 }));
    assert.ok(fixture.segmentPaths().length <= before.length + 1);
    assert.deepEqual(offsetsOf(readAll(reopened)), range(21));
  });

  test('rolling an empty active segment does nothing', () => {
    const { log } = fixture.openTopic('t', SMALL_SEGMENT);
    log.roll();
    assert.equal(log.segmentCount, 1);
    log.append(makeBatch(1));
    log.roll();
    log.roll();
    assert.equal(log.segmentCount, 2);
    assert.deepEqual(fixture.segmentPaths().map((p) => parseSegmentFileName(basename(p))), [0, 1]);
  });

  test('segment.ms rolls an old active segment on the next append', () => {
    let nowMs = 1_000_000;
    const { logs } = fixture.open({ now: () => nowMs });
    logs.createTopic('t', 1, { 'segment.ms': '60000' });
    const log = logs.partition('t', 0);
    log.append(makeBatch(1));
    nowMs += 59_999;
    log.append(makeBatch(1, { first: 1 }));
    assert.equal(log.segmentCount, 1);
    nowMs += 1;
    log.append(makeBatch(1, { first: 2 }));
    assert.equal(log.segmentCount, 2);
    assert.deepEqual(offsetsOf(readAll(log)), range(3));
  });

  test('a new segment.bytes applies from the next append', () => {
    const { logs, log } = fixture.openTopic('t');
    appendAll(log, makeBatches(range(6).map(() => 2), { valueBytes: 200 }));
    assert.equal(log.segmentCount, 1);
    logs.alterTopic('t', SMALL_SEGMENT, null);
    log.append(makeBatch(1, { first: 12 }));
    assert.equal(log.segmentCount, 2);
  });

  test('reading through many closed segments keeps at most one of them open', async (t) => {
    const { log } = fixture.openTopic('t', SMALL_SEGMENT);
    appendAll(log, makeBatches(range(30).map(() => 2), { valueBytes: 150 }));
    assert.ok(log.segmentCount >= 10);
    if (openFilesUnder(fixture.partitionDir()) === null) {
      t.skip('no /proc/self/fd here');
      return;
    }
    assert.deepEqual(offsetsOf(readAll(log, 0, 1)), range(60));
    // A rolled segment keeps its descriptor until its background fsync has finished.
    const deadline = Date.now() + 5000;
    while (openFilesUnder(fixture.partitionDir())! > 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(openFilesUnder(fixture.partitionDir())! <= 2, 'the active segment and one reader');
  });
});
