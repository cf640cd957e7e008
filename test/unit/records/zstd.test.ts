// The zstd reader on librdkafka's frame (fixture 10: no content size, a window descriptor), on
// frames built block by block from RFC 8878, and on headers that lie: every defect is a
// CorruptBatchError, found before any output is allocated where the header alone shows it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { RECORDS_OFFSET } from '../../../src/records/record-batch.js';
import { compressZstd, decompressZstd } from '../../../src/records/zstd.js';
import { readBatchFixture } from '../../helpers/fixtures.js';

const MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const RAW = 0;
const RLE = 1;

function block(type: number, size: number, content: Buffer, last: boolean): Buffer {
  const header = Buffer.alloc(3);
  header.writeUIntLE((last ? 1 : 0) | (type << 1) | (size << 3), 0, 3);
  return Buffer.concat([header, content]);
}

function raw(text: string, last = true): Buffer {
  return block(RAW, text.length, Buffer.from(text), last);
}

function rle(byte: string, times: number, last = true): Buffer {
  return block(RLE, times, Buffer.from(byte), last);
}

/** A frame with a 1 MiB window descriptor and no content size. */
function frame(...blocks: Buffer[]): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([0x00, 0x50]), ...blocks]);
}

/** A single-segment frame whose content size is `size` (1-byte field). */
function sized(size: number, ...blocks: Buffer[]): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([0x20, size]), ...blocks]);
}

function refused(data: Buffer, pattern: RegExp): void {
  assert.throws(
    () => decompressZstd(data),
    (err: unknown) => err instanceof CorruptBatchError && err.message.startsWith('zstd records section is malformed: ') && pattern.test(err.message),
  );
}

describe('records > zstd', () => {
  test("librdkafka's frame (fixture 10) has no content size, and decodes to the records of fixture 06", () => {
    const section = readBatchFixture('10-compression-zstd.bin').subarray(RECORDS_OFFSET);
    assert.equal(section[4]! >>> 6, 0, 'no content size field');
    assert.equal(section[4]! & 0x20, 0, 'a window descriptor, not a single segment');
    assert.deepEqual(decompressZstd(section), readBatchFixture('06-compression-none.bin').subarray(RECORDS_OFFSET));
  });

  test('reads raw and RLE blocks, with and without a content size', () => {
    assert.equal(decompressZstd(frame(raw('abc', false), rle('x', 5))).toString(), 'abcxxxxx');
    assert.equal(decompressZstd(sized(8, raw('abc', false), rle('x', 5))).toString(), 'abcxxxxx');
    assert.equal(decompressZstd(frame(raw(''))).length, 0);
  });

  test('concatenates frames and skips skippable frames between them', () => {
    const skippable = Buffer.concat([Buffer.from([0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0]), Buffer.from('???')]);
    assert.equal(decompressZstd(Buffer.concat([frame(raw('one ')), skippable, compressZstd(Buffer.from('two'))])).toString(), 'one two');
  });

  test('refuses a content size its blocks cannot hold, before decoding', () => {
    refused(sized(200, raw('abc')), /frame claims 200 bytes, its blocks hold at most 3/);
  });

  test('refuses a content size smaller than what the blocks make', () => {
    refused(sized(2, raw('abc')), /^zstd records section is malformed: /);
  });

  test('refuses a window beyond 128 MiB, a dictionary, a reserved bit and block type 3', () => {
    refused(Buffer.concat([MAGIC, Buffer.from([0x00, 0x90]), raw('a')]), /needs a 268435456-byte window, more than the 134217728 bytes spool reads/);
    refused(Buffer.concat([MAGIC, Buffer.from([0x01, 0x50, 0x07]), raw('a')]), /needs a dictionary/);
    refused(Buffer.concat([MAGIC, Buffer.from([0x08, 0x50]), raw('a')]), /reserved frame header bit/);
    refused(frame(block(3, 1, Buffer.from('a'), true)), /block type 3 is reserved/);
  });

  test('refuses a block larger than the frame allows', () => {
    refused(sized(3, raw('abcd')), /block of 4 bytes is larger than the frame's 3-byte maximum/);
  });

  test('refuses frames that would decompress to more than 1 GiB before allocating anything', () => {
    const blocks = Array.from({ length: 8193 }, (_, i) => rle('z', 128 * 1024, i === 8192));
    refused(frame(...blocks), /more than the 1073741824 bytes spool reads/);
  });

  test('refuses garbage after a frame, a wrong magic and every truncation of the fixture', () => {
    const section = readBatchFixture('10-compression-zstd.bin').subarray(RECORDS_OFFSET);
    refused(Buffer.concat([section, Buffer.from('junk')]), /expected the zstd frame magic/);
    refused(Buffer.from('not zstd'), /expected the zstd frame magic 28 b5 2f fd at byte 0/);
    for (let cut = 0; cut < section.length; cut++) refused(section.subarray(0, cut), /./);
  });

  test('a compressed frame written by spool comes back whole, from 0 bytes to 3 MiB', () => {
    for (const size of [0, 1, 100, 128 * 1024 + 1, 3 * 1024 * 1024]) {
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 10)) & 0xff;
      assert.deepEqual(decompressZstd(compressZstd(data)), data, `${size} bytes`);
    }
  });
});
