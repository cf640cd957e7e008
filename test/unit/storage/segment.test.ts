// Segment (one .log file) and its file names, on real files: the logical end hides anything past
// it, appends write at the logical end, truncate cuts both, and a closed segment reopens its
// descriptor when it is used again.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSegmentFileName, segmentFileName } from '../../../src/storage/file-names.js';
import { Segment } from '../../../src/storage/segment.js';
import { appendBytes, fileSize, garbage, makeBatch, recordsIn, useTempDir } from '../../helpers/storage-fixtures.js';

describe('storage > file names', () => {
  test('a segment file is named by its base offset padded to 20 digits', () => {
    assert.equal(segmentFileName(0), '00000000000000000000.log');
    assert.equal(segmentFileName(1234), '00000000000000001234.log');
    assert.equal(segmentFileName(Number.MAX_SAFE_INTEGER), '00009007199254740991.log');
  });

  test('sorting the names as text sorts the segments by offset', () => {
    const names = [100, 9, 1_000_000, 0, 10].map(segmentFileName).sort();
    assert.deepEqual(names.map(parseSegmentFileName), [0, 9, 10, 100, 1_000_000]);
  });

  test('parsing gives back the base offset and refuses every other name', () => {
    assert.equal(parseSegmentFileName('00000000000000000042.log'), 42);
    const others = [
      '42.log',
      '0000000000000000042.log',
      '000000000000000000042.log',
      '00000000000000000042.index',
      '00000000000000000042.log.tmp',
      'index.db',
    ];
    for (const name of others) assert.equal(parseSegmentFileName(name), null, name);
    assert.equal(parseSegmentFileName('99999999999999999999.log'), null, 'past the safe integer range');
  });
});

describe('storage > Segment', () => {
  const dir = useTempDir();

  test('a new segment is an empty file named by its base offset', () => {
    const segment = Segment.create(dir.path, 500, 1234);
    assert.equal(segment.path, join(dir.path, '00000000000000000500.log'));
    assert.ok(existsSync(segment.path));
    assert.equal(segment.baseOffset, 500);
    assert.equal(segment.nextOffset, 500);
    assert.equal(segment.sizeBytes, 0);
    assert.equal(segment.maxTimestamp, 1234, 'carries the max timestamp of the segments before it');
    assert.equal(segment.firstAppendMs, null);
    assert.equal(segment.read(0, 4096).length, 0);
    segment.close();
  });

  test('creating a segment whose file exists fails instead of overwriting it', () => {
    Segment.create(dir.path, 0, -1).close();
    assert.throws(() => Segment.create(dir.path, 0, -1), { code: 'EEXIST' });
  });

  test('appended bytes read back unchanged from any position', () => {
    const segment = Segment.create(dir.path, 0, -1);
    const first = makeBatch(3);
    const second = makeBatch(2, { first: 3 });
    segment.append(first);
    segment.append(second);
    assert.equal(segment.sizeBytes, first.length + second.length);
    assert.equal(segment.fileSizeBytes, segment.sizeBytes);
    assert.deepEqual(segment.read(0, 1 << 20), Buffer.concat([first, second]));
    assert.deepEqual(segment.read(first.length, 1 << 20), second);
    assert.deepEqual(segment.read(first.length, 10), second.subarray(0, 10));
    segment.close();
  });

  test('a read stops at the logical end and a read past it is empty', () => {
    const segment = Segment.create(dir.path, 0, -1);
    const batch = makeBatch(1);
    segment.append(batch);
    assert.equal(segment.read(batch.length - 5, 100).length, 5);
    assert.equal(segment.read(batch.length, 100).length, 0);
    assert.equal(segment.read(batch.length + 100, 100).length, 0);
    segment.close();
  });

  test('bytes past the logical end are never read and the next append writes over them', () => {
    const segment = Segment.create(dir.path, 0, -1);
    const first = makeBatch(1);
    segment.append(first);
    appendBytes(segment.path, garbage(300));
    assert.equal(segment.read(0, 1 << 20).length, first.length, 'the garbage stays hidden');
    const second = makeBatch(1, { first: 1 });
    segment.append(second);
    assert.deepEqual(segment.read(0, 1 << 20), Buffer.concat([first, second]));
    const onDisk = readFileSync(segment.path);
    assert.deepEqual(onDisk.subarray(0, segment.sizeBytes), Buffer.concat([first, second]));
    segment.close();
  });

  test('truncate cuts the file and the logical end, and appends go on from the cut', () => {
    const segment = Segment.create(dir.path, 0, -1);
    const first = makeBatch(2);
    segment.append(first);
    segment.append(makeBatch(2, { first: 2 }));
    segment.truncate(first.length);
    assert.equal(segment.sizeBytes, first.length);
    assert.equal(fileSize(segment.path), first.length);
    const replacement = makeBatch(1, { first: 99 });
    segment.append(replacement);
    const values = recordsIn(segment.read(0, 1 << 20)).map((r) => r.value?.toString());
    assert.deepEqual(values, ['v0', 'v1', 'v99']);
    segment.close();
  });

  test('a closed segment reopens its file when it is read or appended to', () => {
    const segment = Segment.create(dir.path, 0, -1);
    const first = makeBatch(1);
    segment.append(first);
    segment.close();
    assert.equal(segment.isOpen, false);
    segment.close();
    assert.deepEqual(segment.read(0, 1 << 20), first);
    assert.equal(segment.isOpen, true);
    segment.close();
    segment.append(makeBatch(1, { first: 1 }));
    assert.equal(recordsIn(segment.read(0, 1 << 20)).length, 2);
    segment.close();
  });

  test('opening an existing file takes its size as the logical end', () => {
    const created = Segment.create(dir.path, 7, -1);
    const batch = makeBatch(4);
    created.append(batch);
    created.flush();
    created.close();
    const opened = Segment.open(dir.path, 7);
    assert.equal(opened.sizeBytes, batch.length);
    assert.equal(opened.nextOffset, 7, 'the caller sets nextOffset from the index or a scan');
    assert.deepEqual(opened.read(0, 1 << 20), batch);
    opened.close();
  });

  test('opening a segment whose file is missing fails', () => {
    assert.throws(() => Segment.open(dir.path, 0), { code: 'ENOENT' });
  });

  test('flush and close leave the written bytes on disk', () => {
    const segment = Segment.create(dir.path, 0, -1);
    const batch = makeBatch(5);
    segment.append(batch);
    segment.flush();
    segment.flush();
    segment.close();
    assert.deepEqual(readFileSync(segment.path), batch);
  });
});
