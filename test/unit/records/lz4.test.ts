// The LZ4 frame reader on librdkafka's frame (fixture 09), on frames and blocks built sequence by
// sequence from the frame and block format descriptions, and on broken input, which must always
// end in a CorruptBatchError (never a RangeError, a hang or a wrong answer).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { decompressLz4Frame } from '../../../src/records/lz4.js';
import { RECORDS_OFFSET } from '../../../src/records/record-batch.js';
import { batchCase, producerRecordsOf, readBatchFixture } from '../../helpers/fixtures.js';

// A tiny LZ4 writer for tests: sequences (token, literals, offset, match) and frames around them.
function lengthBytes(extra: number): number[] {
  const out: number[] = [];
  while (extra >= 255) {
    out.push(255);
    extra -= 255;
  }
  out.push(extra);
  return out;
}

function sequence(literals: string | Buffer, match?: { offset: number; length: number }): Buffer {
  const lit = typeof literals === 'string' ? Buffer.from(literals, 'latin1') : literals;
  const matchCode = match === undefined ? 0 : match.length - 4;
  const token = (Math.min(lit.length, 15) << 4) | Math.min(matchCode, 15);
  const out = [token, ...(lit.length >= 15 ? lengthBytes(lit.length - 15) : [])];
  const tail: number[] = [];
  if (match !== undefined) {
    tail.push(match.offset & 0xff, match.offset >> 8);
    if (matchCode >= 15) tail.push(...lengthBytes(matchCode - 15));
  }
  return Buffer.concat([Buffer.from(out), lit, Buffer.from(tail)]);
}

interface FrameBlock {
  data: Buffer;
  uncompressed?: boolean;
}

interface FrameOptions {
  independent?: boolean;
  blockChecksums?: boolean;
  contentChecksum?: boolean;
  contentSize?: number;
  bd?: number;
  flg?: number;
}

const MAGIC = Buffer.from('04224d18', 'hex');
const END_MARK = Buffer.alloc(4);

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0);
  return out;
}

function frame(blocks: FrameBlock[], options: FrameOptions = {}): Buffer {
  const flg =
    options.flg ??
    (0x40 |
      (options.independent === false ? 0 : 0x20) |
      (options.blockChecksums ? 0x10 : 0) |
      (options.contentSize !== undefined ? 0x08 : 0) |
      (options.contentChecksum ? 0x04 : 0));
  const parts: Buffer[] = [MAGIC, Buffer.from([flg, options.bd ?? 0x40])];
  if (options.contentSize !== undefined) {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(options.contentSize));
    parts.push(size);
  }
  // The header checksum (xxHash32 of the descriptor) is not verified, so any byte will do here.
  parts.push(Buffer.from([0xa5]));
  for (const b of blocks) {
    parts.push(u32(b.data.length | (b.uncompressed ? 0x80000000 : 0)), b.data);
    if (options.blockChecksums) parts.push(Buffer.from('deadbeef', 'hex'));
  }
  parts.push(END_MARK);
  if (options.contentChecksum) parts.push(Buffer.from('cafebabe', 'hex'));
  return Buffer.concat(parts);
}

function compressed(...sequences: Buffer[]): FrameBlock {
  return { data: Buffer.concat(sequences) };
}

function assertCorrupt(fn: () => unknown, pattern: RegExp = /^lz4 records section is malformed: /): void {
  assert.throws(fn, (err: unknown) => err instanceof CorruptBatchError && pattern.test(err.message));
}

const fixture = readBatchFixture('09-compression-lz4.bin');
const fixtureFrame = fixture.subarray(RECORDS_OFFSET);
const expectedSection = encodeRecordBatch(producerRecordsOf(batchCase('09-compression-lz4.bin'))).subarray(RECORDS_OFFSET);

describe('records > lz4 > frames', () => {
  test("librdkafka's frame (fixture 09) has the descriptor the README lists: FLG 0x60, BD 0x40", () => {
    assert.deepEqual(fixtureFrame.subarray(0, 6), Buffer.from('04224d186040', 'hex'));
  });

  test("decompresses librdkafka's frame (fixture 09) to the records it holds", () => {
    assert.equal(expectedSection.length, 975);
    assert.deepEqual(decompressLz4Frame(fixtureFrame), expectedSection);
  });

  test('reads literals and matches, with lengths continued in 255-bytes', () => {
    const long = Buffer.alloc(300, 0x62);
    const out = decompressLz4Frame(frame([compressed(sequence('abcd', { offset: 4, length: 4 }), sequence(long, { offset: 2, length: 1000 }), sequence('end'))]));
    assert.equal(out.toString('latin1'), 'abcdabcd' + 'b'.repeat(300) + 'b'.repeat(1000) + 'end');
  });

  test('repeats the last bytes when a match overlaps what it writes (run-length)', () => {
    const out = decompressLz4Frame(frame([compressed(sequence('xy', { offset: 2, length: 19 }), sequence(''))]));
    assert.equal(out.toString(), 'xy'.repeat(10) + 'x');
    const rle = decompressLz4Frame(frame([compressed(sequence('z', { offset: 1, length: 65000 }), sequence('!'))]));
    assert.equal(rle.toString(), 'z'.repeat(65001) + '!');
  });

  test('copies blocks stored uncompressed (size high bit set)', () => {
    const out = decompressLz4Frame(frame([{ data: Buffer.from('stored as is'), uncompressed: true }, compressed(sequence('!'))]));
    assert.equal(out.toString(), 'stored as is!');
  });

  test('skips block checksums and the content checksum, and checks the content size', () => {
    const blocks = [compressed(sequence('hello ', { offset: 6, length: 6 }), sequence('world')), { data: Buffer.from('.'), uncompressed: true }];
    const options = { blockChecksums: true, contentChecksum: true };
    assert.equal(decompressLz4Frame(frame(blocks, { ...options, contentSize: 18 })).toString(), 'hello hello world.');
    assertCorrupt(() => decompressLz4Frame(frame(blocks, { ...options, contentSize: 19 })), /decompressed to 18 bytes, its header says 19/);
  });

  test('lets a linked block reach back into the block before it, and an independent one not', () => {
    const blocks = [compressed(sequence('first block;')), compressed(sequence('', { offset: 12, length: 12 }), sequence(''))];
    assert.equal(decompressLz4Frame(frame(blocks, { independent: false })).toString(), 'first block;first block;');
    assertCorrupt(() => decompressLz4Frame(frame(blocks, { independent: true })), /match offset 12 points outside the window/);
  });

  test('reads frames one after another, skipping skippable frames, but never matches across frames', () => {
    const skippable = Buffer.concat([Buffer.from('5a2a4d18', 'hex'), u32(3), Buffer.from('???')]);
    const a = frame([compressed(sequence('one,'))]);
    const b = frame([compressed(sequence('two'))], { independent: false });
    assert.equal(decompressLz4Frame(Buffer.concat([skippable, a, skippable, b])).toString(), 'one,two');
    const reachesBack = frame([compressed(sequence('', { offset: 2, length: 4 }), sequence(''))], { independent: false });
    assertCorrupt(() => decompressLz4Frame(Buffer.concat([a, reachesBack])), /points outside the window/);
  });

  test('accepts every block maximum size (64 KiB to 4 MiB) and an empty frame', () => {
    for (const bd of [0x40, 0x50, 0x60, 0x70]) {
      assert.equal(decompressLz4Frame(frame([compressed(sequence('bd'))], { bd })).toString(), 'bd');
    }
    assert.equal(decompressLz4Frame(frame([])).length, 0);
  });

  test('a block may grow to its maximum size and not one byte beyond', () => {
    const fits = frame([compressed(sequence('a', { offset: 1, length: 65534 }), sequence('b'))]);
    assert.equal(decompressLz4Frame(fits).length, 65536);
    const over = frame([compressed(sequence('a', { offset: 1, length: 65535 }), sequence('b'))]);
    assertCorrupt(() => decompressLz4Frame(over), /more than 65536 bytes/);
  });
});

describe('records > lz4 > malformed input', () => {
  test('every truncation of the fixture frame is refused', () => {
    for (let keep = 0; keep < fixtureFrame.length; keep++) {
      assertCorrupt(() => decompressLz4Frame(fixtureFrame.subarray(0, keep)));
    }
  });

  test('refuses a wrong magic, version, reserved bit, dictionary or block size id', () => {
    const good = frame([compressed(sequence('x'))]);
    const edit = (at: number, value: number): Buffer => {
      const copy = Buffer.from(good);
      copy[at] = value;
      return copy;
    };
    assertCorrupt(() => decompressLz4Frame(edit(0, 0x05)), /expected the LZ4 frame magic/);
    assertCorrupt(() => decompressLz4Frame(Buffer.concat([good, Buffer.from('junk')])), /expected the LZ4 frame magic 04 22 4d 18 at byte/);
    assertCorrupt(() => decompressLz4Frame(edit(4, 0x20)), /frame version 0 is not 1/);
    assertCorrupt(() => decompressLz4Frame(edit(4, 0x62)), /reserved FLG bit/);
    assertCorrupt(() => decompressLz4Frame(edit(4, 0x61)), /dictionary/);
    assertCorrupt(() => decompressLz4Frame(edit(5, 0x30)), /block maximum size id 3/);
  });

  test('refuses a block larger than the frame maximum or running past the input', () => {
    const big = Buffer.alloc(65537, 0x61);
    assertCorrupt(() => decompressLz4Frame(frame([{ data: big, uncompressed: true }])), /block of 65537 bytes is larger than the frame's 65536-byte maximum/);
    const cut = frame([compressed(sequence('abcdef'))]);
    cut.writeUInt32LE(100, 7);
    assertCorrupt(() => decompressLz4Frame(cut), /block at byte 11 is truncated/);
  });

  test('refuses a match offset of 0 or one reaching before the output', () => {
    assertCorrupt(() => decompressLz4Frame(frame([compressed(sequence('ab', { offset: 0, length: 4 }), sequence(''))])), /match offset 0/);
    assertCorrupt(() => decompressLz4Frame(frame([compressed(sequence('ab', { offset: 3, length: 4 }), sequence(''))])), /match offset 3/);
  });

  test('refuses literals or lengths cut off by the end of the block, and a block ending in a match', () => {
    assertCorrupt(() => decompressLz4Frame(frame([{ data: sequence('abcdef').subarray(0, 4) }])), /literals of 6 bytes run past the block/);
    assertCorrupt(() => decompressLz4Frame(frame([{ data: Buffer.from([0xf0]) }])), /sequence length is truncated/);
    assertCorrupt(() => decompressLz4Frame(frame([{ data: Buffer.from([0xf0, 0xff]) }])), /sequence length is truncated/);
    assertCorrupt(() => decompressLz4Frame(frame([{ data: sequence('abcd', { offset: 4, length: 4 }).subarray(0, 6) }])), /match offset is truncated/);
    assertCorrupt(() => decompressLz4Frame(frame([{ data: sequence('abcd', { offset: 4, length: 19 }).subarray(0, 7) }])), /sequence length is truncated/);
    assertCorrupt(() => decompressLz4Frame(frame([compressed(sequence('abcd', { offset: 4, length: 4 }))])), /ends after a match/);
  });

  test('refuses a frame without its end mark or checksums', () => {
    const whole = frame([compressed(sequence('x'))], { blockChecksums: true, contentChecksum: true });
    assertCorrupt(() => decompressLz4Frame(whole.subarray(0, whole.length - 4)), /content checksum/);
    assertCorrupt(() => decompressLz4Frame(whole.subarray(0, whole.length - 8)), /block size/);
    assertCorrupt(() => decompressLz4Frame(whole.subarray(0, whole.length - 12)), /block checksum/);
  });

  test('2000 randomly damaged frames decode or throw CorruptBatchError, nothing else', () => {
    let state = 777;
    const random = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const inputs = [fixtureFrame, frame([compressed(sequence('abc', { offset: 3, length: 300 }), sequence('z'))], { independent: false, contentSize: 304 })];
    for (let round = 0; round < 2000; round++) {
      const damaged = Buffer.from(inputs[round % 2]!);
      for (let flips = 1 + random(3); flips > 0; flips--) damaged[random(damaged.length)] = random(256);
      try {
        assert.ok(Buffer.isBuffer(decompressLz4Frame(damaged)));
      } catch (err) {
        assert.ok(err instanceof CorruptBatchError, `round ${round}: ${String(err)}`);
      }
    }
  });
});
