// spool dump's reading side (dumpSegment): every batch of a segment file with its header fields
// and CRC validity, and the records under it; real files written by LogManager and a segment made
// of the batches librdkafka wrote (shared/fixtures), compressed ones included. A damaged batch is
// shown as far as it can be read; the walk stops at a batch that runs past the end of the file.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ATTRIBUTES_OFFSET,
  COMPRESSION_MASK,
  Compression,
  readLastOffsetDelta,
  sealBatch,
  stampBaseOffset,
} from '../../../src/records/record-batch.js';
import { dumpSegment, type DumpEntry, type DumpedBatch, type DumpedFileEnd, type DumpedRecord, type UnreadableRecords } from '../../../src/storage/inspect/dump-segment.js';
import { topicSegmentFiles } from '../../../src/storage/inspect/segment-files.js';
import { SpoolError } from '../../../src/common/errors.js';
import { fixtureBytes, loadBatchCases, readBatchFixture } from '../../helpers/fixtures.js';
import {
  BASE_TIMESTAMP,
  appendAll,
  batchesInFile,
  fileSize,
  flipByte,
  makeBatch,
  makeBatches,
  useStorageFixture,
  useTempDir,
} from '../../helpers/storage-fixtures.js';

function entries(path: string, records = false): DumpEntry[] {
  return [...dumpSegment(path, { records })];
}

function batchesOf(list: DumpEntry[]): DumpedBatch[] {
  return list.filter((e): e is DumpedBatch => e.type === 'batch');
}

function recordsOf(list: DumpEntry[]): DumpedRecord[] {
  return list.filter((e): e is DumpedRecord => e.type === 'record');
}

function endOf(list: DumpEntry[]): DumpedFileEnd {
  const end = list.at(-1);
  assert.ok(end?.type === 'end', 'the last entry is the end of the file');
  return end;
}

function text(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}

describe('storage > dump > a segment written by LogManager', () => {
  const fixture = useStorageFixture();

  function knownSegment(): string {
    const { logs, log } = fixture.openTopic();
    appendAll(log, makeBatches([3, 2, 5]));
    log.append(makeBatch(4, { first: 10 }, Compression.Gzip));
    fixture.close(logs);
    return fixture.segmentPaths()[0]!;
  }

  test('gives each batch: base and last offset, count, position, size, timestamps, CRC valid', () => {
    const path = knownSegment();
    const onDisk = batchesInFile(path);
    const list = entries(path);
    const batches = batchesOf(list);
    assert.deepEqual(
      batches.map((b) => [b.baseOffset, b.lastOffset, b.count, b.position, b.sizeBytes, b.compression, b.crcValid, b.problem]),
      [
        [0, 2, 3, onDisk[0]!.position, onDisk[0]!.sizeBytes, 'none', true, null],
        [3, 4, 2, onDisk[1]!.position, onDisk[1]!.sizeBytes, 'none', true, null],
        [5, 9, 5, onDisk[2]!.position, onDisk[2]!.sizeBytes, 'none', true, null],
        [10, 13, 4, onDisk[3]!.position, onDisk[3]!.sizeBytes, 'gzip', true, null],
      ],
    );
    const first = batches[0]!;
    assert.equal(first.file, path);
    assert.equal(first.firstTimestamp, BASE_TIMESTAMP);
    assert.equal(first.maxTimestamp, BASE_TIMESTAMP + 2);
    assert.equal(first.timestampType, 'CreateTime');
    assert.equal(first.magic, 2);
    assert.deepEqual([first.producerId, first.producerEpoch, first.baseSequence, first.lastSequence], [-1, -1, -1, -1]);
    assert.deepEqual([first.isTransactional, first.isControl], [false, false]);
    assert.deepEqual(endOf(list), { type: 'end', file: path, sizeBytes: fileSize(path), batches: 4, stop: null });
    assert.equal(recordsOf(list).length, 0, 'records only when asked');
  });

  test('with records gives each record after its batch, gzip ones decompressed', () => {
    const path = knownSegment();
    const list = entries(path, true);
    const kinds = list.map((e) => (e.type === 'record' ? `r${e.offset}` : e.type === 'batch' ? `b${e.baseOffset}` : e.type));
    assert.deepEqual(kinds, ['b0', 'r0', 'r1', 'r2', 'b3', 'r3', 'r4', 'b5', 'r5', 'r6', 'r7', 'r8', 'r9', 'b10', 'r10', 'r11', 'r12', 'r13', 'end']);
    for (const r of recordsOf(list)) {
      assert.equal(text(r.key), `k${r.offset}`);
      assert.equal(text(r.value), `v${r.offset}`);
      assert.equal(r.timestamp, BASE_TIMESTAMP + r.offset);
      assert.equal(r.sequence, -1);
      assert.deepEqual(r.headers, []);
    }
  });

  test('a batch with a flipped byte is given with crcValid false, and the batches after it too', () => {
    const path = knownSegment();
    const second = batchesInFile(path)[1]!;
    flipByte(path, second.position + second.sizeBytes - 2);
    const list = entries(path, true);
    const batches = batchesOf(list);
    assert.deepEqual(batches.map((b) => [b.baseOffset, b.crcValid]), [[0, true], [3, false], [5, true], [10, true]]);
    assert.match(batches[1]!.problem ?? '', /^CRC-32C mismatch/);
    assert.equal(endOf(list).stop, null);
    assert.equal(recordsOf(list).filter((r) => r.offset >= 5).length, 9, 'the records after the damage are all there');
  });

  test('stops at a batch that runs past the end of the file, saying where and why', () => {
    const path = knownSegment();
    const last = batchesInFile(path).at(-1)!;
    truncateSync(path, fileSize(path) - 10);
    const list = entries(path);
    assert.deepEqual(batchesOf(list).map((b) => b.baseOffset), [0, 3, 5]);
    const stop = endOf(list).stop;
    assert.ok(stop !== null);
    assert.equal(stop.position, last.position);
    assert.equal(stop.baseOffset, 10);
    assert.equal(stop.grown, false);
    assert.match(stop.reason, /runs past the end of the file/);
  });

  test('an empty segment has no batches', () => {
    const { logs } = fixture.openTopic();
    fixture.close(logs);
    assert.deepEqual(entries(fixture.segmentPaths()[0]!), [{ type: 'end', file: fixture.segmentPaths()[0]!, sizeBytes: 0, batches: 0, stop: null }]);
  });

  test('topicSegmentFiles lists every segment of each partition in order, or of the one asked for', () => {
    const { logs } = fixture.open();
    logs.createTopic('multi', 2, { 'segment.bytes': '1024' });
    appendAll(logs.partition('multi', 1), makeBatches([2, 2, 2, 2, 2, 2, 2, 2], { valueBytes: 100 }));
    fixture.close(logs);
    const all = topicSegmentFiles(fixture.dataDir, 'multi', null);
    assert.deepEqual(all.map((p) => p.partition), [0, 1]);
    assert.deepEqual(all[1]!.files.map((f) => f.path), fixture.segmentPaths('multi', 1));
    assert.ok(all[1]!.files.length > 1);
    assert.deepEqual(topicSegmentFiles(fixture.dataDir, 'multi', 1), [all[1]]);
    assert.throws(() => topicSegmentFiles(fixture.dataDir, 'multi', 2), (err: unknown) => err instanceof SpoolError && /has no partition 2/.test(err.message));
    assert.throws(() => topicSegmentFiles(fixture.dataDir, 'nope', null), (err: unknown) => err instanceof SpoolError && err.message === 'topic "nope" does not exist');
  });
});

describe('storage > dump > batches written by librdkafka', () => {
  const temp = useTempDir();
  const cases = loadBatchCases();

  /** All fixture batches back to back, base offsets stamped so that each follows on. */
  function fixtureSegment(): { path: string; baseOffsets: number[] } {
    const baseOffsets: number[] = [];
    let next = 0;
    const parts = cases.map((c) => {
      const bytes = Buffer.from(readBatchFixture(c.file));
      stampBaseOffset(bytes, 0, next);
      baseOffsets.push(next);
      next += readLastOffsetDelta(bytes, 0) + 1;
      return bytes;
    });
    const path = join(temp.path, '00000000000000000000.log');
    writeFileSync(path, Buffer.concat(parts));
    return { path, baseOffsets };
  }

  test('every batch comes out with the header fields cases.json lists', () => {
    const { path, baseOffsets } = fixtureSegment();
    const batches = batchesOf(entries(path));
    assert.equal(batches.length, cases.length);
    let position = 0;
    cases.forEach((c, i) => {
      const b = batches[i]!;
      const what = c.file;
      assert.equal(b.baseOffset, baseOffsets[i], what);
      assert.equal(b.lastOffset, baseOffsets[i]! + c.batch.lastOffsetDelta, what);
      assert.equal(b.count, c.batch.recordCount, what);
      assert.equal(b.position, position, what);
      assert.equal(b.sizeBytes, c.sizeBytes, what);
      assert.equal(b.crc, c.batch.crc, what);
      assert.equal(b.crcValid, true, `${what}: stamping the base offset keeps the CRC`);
      assert.equal(b.compression, c.compression, what);
      assert.equal(b.firstTimestamp, c.batch.baseTimestamp, what);
      assert.equal(b.maxTimestamp, c.batch.maxTimestamp, what);
      assert.equal(b.producerId, c.batch.producerId, what);
      assert.equal(b.producerEpoch, c.batch.producerEpoch, what);
      assert.equal(b.baseSequence, c.batch.baseSequence, what);
      assert.equal(b.isTransactional, c.batch.attributesDecoded.isTransactional, what);
      assert.equal(b.isControl, c.batch.attributesDecoded.isControl, what);
      position += c.sizeBytes;
    });
  });

  test('records of none, gzip, snappy, lz4 and zstd batches come out as the client wrote them', () => {
    const { path, baseOffsets } = fixtureSegment();
    const list = entries(path, true);
    assert.deepEqual(list.filter((e) => e.type === 'unreadable-records'), []);
    cases.forEach((c, i) => {
      const records = recordsOf(list).filter((r) => r.offset >= baseOffsets[i]! && r.offset <= baseOffsets[i]! + c.batch.lastOffsetDelta);
      assert.equal(records.length, c.records.length, c.file);
      records.forEach((r, j) => {
        const expected = c.records[j]!;
        assert.equal(r.offset, baseOffsets[i]! + expected.offsetDelta, c.file);
        assert.equal(r.timestamp, expected.timestamp, c.file);
        assert.deepEqual(r.key, fixtureBytes(expected.key), `${c.file} key ${j}`);
        assert.deepEqual(r.value, fixtureBytes(expected.value), `${c.file} value ${j}`);
        assert.deepEqual(
          r.headers.map((h) => [h.key, h.value]),
          expected.headers.map(([k, v]) => [k, fixtureBytes(v)]),
          `${c.file} headers ${j}`,
        );
        if (c.batch.baseSequence >= 0) assert.equal(r.sequence, c.batch.baseSequence + expected.offsetDelta, c.file);
      });
    });
    assert.equal(endOf(list).stop, null);
  });

  test('the records of a batch with a codec number Kafka does not define are said to be unreadable, and the batches after it still come', () => {
    const { path } = fixtureSegment();
    const segment = readFileSync(path);
    const zstd = cases.findIndex((c) => c.compression === 'zstd');
    const position = batchesOf(entries(path))[zstd]!.position;
    segment.writeInt16BE((segment.readInt16BE(position + ATTRIBUTES_OFFSET) & ~COMPRESSION_MASK) | 5, position + ATTRIBUTES_OFFSET);
    sealBatch(segment, position, cases[zstd]!.sizeBytes);
    writeFileSync(path, segment);
    const list = entries(path, true);
    const unreadable = list.filter((e): e is UnreadableRecords => e.type === 'unreadable-records');
    const codec5Batch = batchesOf(list)[zstd]!;
    assert.equal(codec5Batch.compression, 'codec 5');
    assert.deepEqual(
      unreadable.map((u) => [u.position, u.baseOffset, u.unsupported]),
      [[codec5Batch.position, codec5Batch.baseOffset, true]],
    );
    assert.match(unreadable[0]!.reason, /codec 5, which Kafka does not define/);
    const after = list.indexOf(unreadable[0]!);
    assert.equal(list[after - 1], codec5Batch, 'the note comes right after its batch');
    assert.equal(batchesOf(list).length, cases.length);
  });

  test('an idempotent batch gives its last sequence', () => {
    const { path } = fixtureSegment();
    const idempotent = cases.findIndex((c) => c.file === '11-idempotent-first.bin');
    const b = batchesOf(entries(path))[idempotent]!;
    const c = cases[idempotent]!;
    assert.equal(b.lastSequence, c.batch.baseSequence + c.batch.lastOffsetDelta);
  });

  test('a file that does not exist throws the fs error when the dump starts', () => {
    const missing = join(temp.path, 'nope.log');
    assert.throws(() => entries(missing), (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT');
  });
});
