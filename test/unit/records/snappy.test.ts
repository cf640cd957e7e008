// The snappy reader on librdkafka's raw block (fixture 08), on the xerial stream the Java client
// writes, on blocks built element by element from the format description, and on broken input,
// which must always end in a CorruptBatchError (never a RangeError, a hang or a wrong answer).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { RECORDS_OFFSET, batchDefect, sealBatch } from '../../../src/records/record-batch.js';
import { decodeRecords } from '../../../src/records/record-cursor.js';
import { decompressSnappy, decompressSnappyBlock } from '../../../src/records/snappy.js';
import { batchCase, producerRecordsOf, readBatchFixture } from '../../helpers/fixtures.js';

// A tiny snappy writer for tests, element by element as the format description defines them.
function preamble(length: number): Buffer {
  const out: number[] = [];
  while (length >= 0x80) {
    out.push((length & 0x7f) | 0x80);
    length = Math.floor(length / 128);
  }
  out.push(length);
  return Buffer.from(out);
}

function literal(bytes: Buffer, extraLengthBytes?: number): Buffer {
  const n = bytes.length - 1;
  const extra = extraLengthBytes ?? (n < 60 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4);
  if (extra === 0) return Buffer.concat([Buffer.from([n << 2]), bytes]);
  const length = Buffer.alloc(extra);
  length.writeUIntLE(n, 0, extra);
  return Buffer.concat([Buffer.from([(59 + extra) << 2]), length, bytes]);
}

function copy1(length: number, offset: number): Buffer {
  return Buffer.from([((offset >> 8) << 5) | ((length - 4) << 2) | 1, offset & 0xff]);
}

function copy2(length: number, offset: number): Buffer {
  return Buffer.from([((length - 1) << 2) | 2, offset & 0xff, offset >> 8]);
}

function copy4(length: number, offset: number): Buffer {
  const out = Buffer.from([((length - 1) << 2) | 3, 0, 0, 0, 0]);
  out.writeUInt32LE(offset, 1);
  return out;
}

function block(length: number, ...elements: Buffer[]): Buffer {
  return Buffer.concat([preamble(length), ...elements]);
}

const XERIAL_HEADER = Buffer.from('82534e4150505900' + '00000001' + '00000001', 'hex');

function xerial(...blocks: Buffer[]): Buffer {
  return Buffer.concat([XERIAL_HEADER, ...blocks.flatMap((b) => [Buffer.from(int32(b.length)), b])]);
}

function int32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32BE(value);
  return out;
}

function assertCorrupt(fn: () => unknown, pattern: RegExp = /^snappy records section is malformed: /): void {
  assert.throws(fn, (err: unknown) => err instanceof CorruptBatchError && pattern.test(err.message));
}

const fixture = readBatchFixture('08-compression-snappy.bin');
const fixtureBlock = fixture.subarray(RECORDS_OFFSET);
const expectedSection = encodeRecordBatch(producerRecordsOf(batchCase('08-compression-snappy.bin'))).subarray(RECORDS_OFFSET);

describe('records > snappy > raw block', () => {
  test("decompresses librdkafka's block (fixture 08) to the records it holds", () => {
    assert.equal(expectedSection.length, 975);
    assert.deepEqual(decompressSnappy(fixtureBlock), expectedSection);
  });

  test('reads literals of up to 60 bytes from the tag and longer ones from 1 to 4 extra bytes', () => {
    for (const length of [1, 59, 60, 61, 256, 257, 65536, 65537, 70000]) {
      const bytes = Buffer.alloc(length, 0x41);
      bytes[length - 1] = 0x5a;
      assert.deepEqual(decompressSnappy(block(length, literal(bytes))), bytes, `literal of ${length}`);
    }
    // A length may use more extra bytes than it needs; the format allows it.
    assert.deepEqual(decompressSnappy(block(3, literal(Buffer.from('abc'), 4))), Buffer.from('abc'));
  });

  test('copies with 1-, 2- and 4-byte offsets', () => {
    const head = Buffer.from('0123456789');
    assert.equal(decompressSnappy(block(14, literal(head), copy1(4, 10))).toString(), '01234567890123');
    assert.equal(decompressSnappy(block(21, literal(head), copy1(11, 7))).toString(), '012345678934567893456');
    assert.equal(decompressSnappy(block(15, literal(head), copy2(5, 5))).toString(), '012345678956789');
    assert.equal(decompressSnappy(block(12, literal(head), copy4(2, 9))).toString(), '012345678912');
  });

  test('copies across an 11-bit offset of a copy with 1-byte offset', () => {
    const head = Buffer.alloc(2000);
    for (let i = 0; i < head.length; i++) head[i] = i & 0xff;
    const out = decompressSnappy(block(2008, literal(head), copy1(8, 1999)));
    assert.deepEqual(out.subarray(2000), head.subarray(1, 9));
  });

  test('repeats the last bytes when a copy overlaps what it writes (run-length)', () => {
    assert.equal(decompressSnappy(block(65, literal(Buffer.from('a')), copy2(64, 1))).toString(), 'a'.repeat(65));
    assert.equal(decompressSnappy(block(13, literal(Buffer.from('xyz')), copy1(10, 3))).toString(), 'xyzxyzxyzxyzx');
    assert.equal(decompressSnappy(block(6, literal(Buffer.from('ab')), copy1(4, 2))).toString(), 'ababab');
  });

  test('decompresses an empty block to an empty buffer', () => {
    assert.equal(decompressSnappy(Buffer.from([0])).length, 0);
  });

  test('reads a block between start and end of a larger buffer', () => {
    const inner = block(3, literal(Buffer.from('abc')));
    const padded = Buffer.concat([Buffer.from('zz'), inner, Buffer.from([0xff, 0xff])]);
    assert.equal(decompressSnappyBlock(padded, 2, 2 + inner.length).toString(), 'abc');
  });
});

describe('records > snappy > xerial stream', () => {
  test('decompresses the example stream of the snappy-java format notes ("foobar\\n")', () => {
    // magic, version 1, compatible version 1, block length 9, then the block: preamble 7, literal tag.
    const stream = Buffer.from('82534e4150505900' + '00000001' + '00000001' + '00000009' + '07' + '18' + '666f6f6261720a', 'hex');
    assert.equal(decompressSnappy(stream).toString(), 'foobar\n');
  });

  test('concatenates the blocks of a stream', () => {
    const stream = xerial(fixtureBlock, block(5, literal(Buffer.from('tail!'))), block(0));
    assert.deepEqual(decompressSnappy(stream), Buffer.concat([expectedSection, Buffer.from('tail!')]));
  });

  test('a stream of no blocks is empty', () => {
    assert.equal(decompressSnappy(XERIAL_HEADER).length, 0);
  });

  test('a batch whose records section is a xerial stream (as the Java client writes) decodes like the raw one', () => {
    const section = xerial(fixtureBlock);
    const batch = Buffer.concat([fixture.subarray(0, RECORDS_OFFSET), section]);
    sealBatch(batch, 0, batch.length);
    assert.equal(batchDefect(batch, 0, batch.length), null);
    assert.deepEqual(decodeRecords(batch), decodeRecords(fixture));
  });
});

describe('records > snappy > malformed input', () => {
  test('every truncation of the fixture block is refused', () => {
    for (let keep = 0; keep < fixtureBlock.length; keep++) {
      assertCorrupt(() => decompressSnappy(fixtureBlock.subarray(0, keep)));
    }
  });

  test('every truncation of a xerial stream is refused, except at a block boundary', () => {
    const stream = xerial(fixtureBlock, block(3, literal(Buffer.from('abc'))));
    const firstBlockEnd = XERIAL_HEADER.length + 4 + fixtureBlock.length;
    for (let keep = 0; keep < stream.length; keep++) {
      const cut = stream.subarray(0, keep);
      // A cut between blocks leaves a shorter well-formed stream; the batch CRC-32C catches that.
      if (keep === XERIAL_HEADER.length) assert.equal(decompressSnappy(cut).length, 0);
      else if (keep === firstBlockEnd) assert.deepEqual(decompressSnappy(cut), expectedSection);
      else assertCorrupt(() => decompressSnappy(cut));
    }
  });

  test('refuses a copy with offset 0 or reaching before the first byte', () => {
    assertCorrupt(() => decompressSnappy(block(5, literal(Buffer.from('a')), copy2(4, 0))), /copy offset 0/);
    assertCorrupt(() => decompressSnappy(block(5, literal(Buffer.from('a')), copy2(4, 2))), /copy offset 2 at output byte 1/);
    assertCorrupt(() => decompressSnappy(block(4, copy1(4, 1))), /copy offset 1 at output byte 0/);
    assertCorrupt(() => decompressSnappy(block(5, literal(Buffer.from('a')), copy4(4, 0x80000000))), /points outside/);
  });

  test('refuses output longer or shorter than the preamble says', () => {
    assertCorrupt(() => decompressSnappy(block(2, literal(Buffer.from('abc')))), /exceeds the declared 2 bytes/);
    assertCorrupt(() => decompressSnappy(block(4, literal(Buffer.from('ab')), copy1(4, 2))), /exceeds the declared 4 bytes/);
    assertCorrupt(() => decompressSnappy(block(9, literal(Buffer.from('abc')))), /decompressed to 3 bytes, its preamble says 9/);
  });

  test('refuses a literal or copy cut off by the end of the block', () => {
    assertCorrupt(() => decompressSnappy(block(10, literal(Buffer.from('0123456789')).subarray(0, 5))), /literal of 10 bytes/);
    assertCorrupt(() => decompressSnappy(Buffer.concat([preamble(10), Buffer.from([60 << 2])])), /literal length is truncated/);
    assertCorrupt(() => decompressSnappy(Buffer.concat([preamble(2), literal(Buffer.from('a')), Buffer.from([0x01])])), /copy offset is truncated/);
    assertCorrupt(() => decompressSnappy(Buffer.concat([preamble(2), literal(Buffer.from('a')), Buffer.from([0x02, 0x01])])), /copy offset is truncated/);
    assertCorrupt(() => decompressSnappy(Buffer.concat([preamble(2), literal(Buffer.from('a')), Buffer.from([0x03, 0, 0, 0])])), /copy offset is truncated/);
  });

  test('refuses a preamble longer than 5 bytes or promising more than the input can hold', () => {
    assertCorrupt(() => decompressSnappy(Buffer.from('808080808001', 'hex')), /longer than 5 bytes/);
    assertCorrupt(() => decompressSnappy(Buffer.from('ffffffff0f00', 'hex')), /claims 4294967295 bytes from 1 compressed bytes/);
  });

  test('refuses a xerial stream with a truncated header or a block length that lies', () => {
    assertCorrupt(() => decompressSnappy(XERIAL_HEADER.subarray(0, 12)), /xerial header needs 16 bytes, 12 present/);
    assertCorrupt(() => decompressSnappy(Buffer.concat([XERIAL_HEADER, int32(-1), fixtureBlock])), /xerial block of -1 bytes/);
    assertCorrupt(() => decompressSnappy(Buffer.concat([XERIAL_HEADER, int32(fixtureBlock.length + 1), fixtureBlock])), /runs past the end/);
    assertCorrupt(() => decompressSnappy(Buffer.concat([XERIAL_HEADER, Buffer.from([0, 0])])), /xerial block length at byte 16 is truncated/);
  });

  test('2000 randomly damaged blocks and streams decode or throw CorruptBatchError, nothing else', () => {
    let state = 12345;
    const random = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const inputs = [fixtureBlock, xerial(fixtureBlock, block(65, literal(Buffer.from('a')), copy2(64, 1)))];
    for (let round = 0; round < 2000; round++) {
      const damaged = Buffer.from(inputs[round % 2]!);
      for (let flips = 1 + random(3); flips > 0; flips--) damaged[random(damaged.length)] = random(256);
      try {
        assert.ok(Buffer.isBuffer(decompressSnappy(damaged)));
      } catch (err) {
        assert.ok(err instanceof CorruptBatchError, `round ${round}: ${String(err)}`);
      }
    }
  });
});
