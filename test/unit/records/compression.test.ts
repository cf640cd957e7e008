// compressRecords and decompressRecords, the one door to the codecs: each codec a Kafka client
// writes is routed to its reader and writer, what spool writes is what Kafka's Java client writes
// (xerial snappy, Kafka's LZ4 frame, a zstd frame), every writer round-trips through every reader,
// and what cannot be read is refused with a CorruptBatchError naming the codec.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { javascriptLz4, lz4BlockCompressor, snappyBlockCompressor } from '../../../src/records/block-compressors.js';
import { compressRecords, decompressRecords } from '../../../src/records/compression.js';
import { compressLz4Frame } from '../../../src/records/lz4.js';
import { COMPRESSION_NAMES, Compression, RECORDS_OFFSET } from '../../../src/records/record-batch.js';
import { decompressSnappyBlock } from '../../../src/records/snappy.js';
import { readBatchFixture } from '../../helpers/fixtures.js';

const require = createRequire(import.meta.url);

function section(file: string): Buffer {
  return readBatchFixture(file).subarray(RECORDS_OFFSET);
}

/** Log-like lines (repetitive, so every codec compresses them) of about `bytes` bytes. */
function logLines(bytes: number): Buffer {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const line = `2026-11-24T21:56:${String(i % 60).padStart(2, '0')}Z INFO [worker-${i % 8}] request ${(i * 2654435761) >>> 0} took ${i % 900} ms\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''));
}

/** Bytes no codec can shrink. */
function noise(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const SAMPLES: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from('x')],
  ['fixture 06 records', section('06-compression-none.bin')],
  ['1 MiB of log lines', logLines(1 << 20)],
  ['200 KiB of noise', noise(200 * 1024)],
  ['one run of 300 KiB', Buffer.alloc(300 * 1024, 0x61)],
];

const CODECS = [Compression.None, Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd] as const;

describe('records > compressRecords and decompressRecords', () => {
  for (const codec of CODECS) {
    test(`${COMPRESSION_NAMES[codec]}: every sample comes back byte for byte`, () => {
      for (const [name, data] of SAMPLES) {
        const compressed = compressRecords(codec, data);
        assert.deepEqual(decompressRecords(codec, compressed), data, name);
        if (codec !== Compression.None && name === '1 MiB of log lines') assert.ok(compressed.length < data.length / 3, `${name} compresses`);
      }
    });
  }

  test('hands uncompressed records back as they are', () => {
    const data = section('06-compression-none.bin');
    assert.equal(decompressRecords(Compression.None, data), data);
    assert.equal(compressRecords(Compression.None, data), data);
  });

  test('decompresses fixtures 07 (gzip), 08 (snappy), 09 (lz4) and 10 (zstd) to the bytes of their uncompressed twin 06', () => {
    const plain = section('06-compression-none.bin');
    assert.deepEqual(decompressRecords(Compression.Gzip, section('07-compression-gzip.bin')), plain);
    assert.deepEqual(decompressRecords(Compression.Snappy, section('08-compression-snappy.bin')), plain);
    // In 09 the clock ticked after record 0: records 1-4 carry timestampDelta 1 (zigzag 0x02).
    // Each record is a 2-byte length plus 193 bytes; its timestampDelta follows the attributes byte.
    const ticked = Buffer.from(plain);
    for (let i = 1; i < 5; i++) ticked[i * 195 + 3] = 0x02;
    assert.deepEqual(decompressRecords(Compression.Lz4, section('09-compression-lz4.bin')), ticked);
    assert.deepEqual(decompressRecords(Compression.Zstd, section('10-compression-zstd.bin')), plain);
  });

  test('gunzips what gzip wrote and refuses what it did not', () => {
    const data = Buffer.from('records section');
    assert.deepEqual(decompressRecords(Compression.Gzip, gzipSync(data)), data);
    assert.throws(() => decompressRecords(Compression.Gzip, data), (err: unknown) => err instanceof CorruptBatchError && /^gzip records section does not decompress/.test(err.message));
  });

  test('refuses the codec numbers 5 to 7 that Kafka has not assigned, naming the ones it has', () => {
    for (const codec of [5, 6, 7]) {
      assert.throws(
        () => decompressRecords(codec, Buffer.alloc(4)),
        (err: unknown) =>
          err instanceof CorruptBatchError &&
          err.message === `batch is compressed with codec ${codec}, which Kafka does not define (none, gzip, snappy, lz4, zstd are)`,
      );
      assert.throws(() => compressRecords(codec as Compression, Buffer.alloc(4)), RangeError);
    }
  });

  test('refuses garbage of every codec as CorruptBatchError naming the codec', () => {
    for (const codec of [Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd]) {
      const name = COMPRESSION_NAMES[codec];
      for (const garbage of [Buffer.from(`not ${name} at all`), Buffer.alloc(0), Buffer.from([0xff])]) {
        if (codec === Compression.Snappy && garbage.length === 0) continue; // an empty raw block is not valid, but see below
        assert.throws(() => decompressRecords(codec, garbage), (err: unknown) => err instanceof CorruptBatchError && err.message.startsWith(name), `${name} ${garbage.toString('hex')}`);
      }
    }
    assert.throws(() => decompressRecords(Compression.Snappy, Buffer.alloc(0)), CorruptBatchError);
  });

  test('every truncation and 3000 random corruptions of each compressed sample decode or throw CorruptBatchError, nothing else', () => {
    const data = logLines(40 * 1024);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const codec of [Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd]) {
      const compressed = compressRecords(codec, data);
      const outcomes = { decoded: 0, refused: 0 };
      const attempt = (bytes: Buffer): void => {
        try {
          decompressRecords(codec, bytes);
          outcomes.decoded++;
        } catch (err) {
          if (!(err instanceof CorruptBatchError)) throw new Error(`${COMPRESSION_NAMES[codec]}: ${String(err)}`);
          outcomes.refused++;
        }
      };
      for (let cut = 0; cut < compressed.length; cut += Math.max(1, Math.floor(compressed.length / 200))) attempt(compressed.subarray(0, cut));
      for (let i = 0; i < 750; i++) {
        const damaged = Buffer.from(compressed);
        for (let flips = 1 + random(3); flips > 0; flips--) damaged[random(damaged.length)] = random(256);
        attempt(damaged);
      }
      assert.ok(outcomes.refused > 200, `${COMPRESSION_NAMES[codec]} refuses damage (${JSON.stringify(outcomes)})`);
    }
  });
});

describe('records > what spool writes is what the Java client writes', () => {
  test("snappy: a xerial stream (snappy-java's header, version 1, compatible 1) of 32 KiB blocks", () => {
    const data = logLines(100 * 1024);
    const stream = compressRecords(Compression.Snappy, data);
    assert.equal(stream.subarray(0, 16).toString('hex'), '82534e41505059000000000100000001');
    let pos = 16;
    const blocks: Buffer[] = [];
    while (pos < stream.length) {
      const length = stream.readInt32BE(pos);
      blocks.push(decompressSnappyBlock(stream, pos + 4, pos + 4 + length));
      pos += 4 + length;
    }
    assert.equal(pos, stream.length);
    assert.deepEqual(blocks.map((b) => b.length), [32768, 32768, 32768, data.length - 3 * 32768]);
    assert.deepEqual(Buffer.concat(blocks), data);
    assert.equal(compressRecords(Compression.Snappy, Buffer.alloc(0)).length, 16, 'no data, no block: the header alone');
  });

  test("lz4: Kafka's frame (FLG 0x60, BD 0x40, the header checksum xxHash32 gives), 64 KiB blocks, end mark", () => {
    const data = logLines(150 * 1024);
    const frame = compressRecords(Compression.Lz4, data);
    // The descriptor librdkafka wrote in fixture 09 is the one the Java client writes too.
    assert.deepEqual(frame.subarray(0, 7), section('09-compression-lz4.bin').subarray(0, 7));
    const xxh32 = require('lz4js/xxh32.js') as { hash(seed: number, src: Uint8Array, index: number, length: number): number };
    assert.equal(frame[6], (xxh32.hash(0, Buffer.from([0x60, 0x40]), 0, 2) >>> 8) & 0xff);
    assert.equal(frame.readUInt32LE(frame.length - 4), 0, 'ends with the end mark, no content checksum');
    const sizes: number[] = [];
    for (let pos = 7; pos < frame.length - 4; ) {
      const word = frame.readUInt32LE(pos);
      sizes.push(word & 0x7fffffff);
      pos += 4 + (word & 0x7fffffff);
    }
    assert.equal(sizes.length, 3, 'three 64 KiB blocks (the last one short)');
  });

  test('lz4: a block that does not shrink is stored, flagged by the high bit of its size', () => {
    const data = noise(70 * 1024);
    const frame = compressRecords(Compression.Lz4, data);
    assert.equal(frame.readUInt32LE(7), (0x80000000 | 65536) >>> 0);
    assert.deepEqual(frame.subarray(11, 11 + 65536), data.subarray(0, 65536));
    assert.deepEqual(decompressRecords(Compression.Lz4, frame), data);
  });

  test('zstd: one standard frame with the content size in its header, readable by a second decoder (fzstd)', () => {
    const data = logLines(64 * 1024);
    const frame = compressRecords(Compression.Zstd, data);
    assert.equal(frame.readUInt32LE(0), 0xfd2fb528);
    assert.ok((frame[4]! >>> 6) > 0, 'the frame header carries the content size');
    const fzstd = require('fzstd') as { decompress(data: Uint8Array): Uint8Array };
    assert.deepEqual(Buffer.from(fzstd.decompress(frame)), data);
  });
});

describe('records > block compressors', () => {
  test("lz4's native binding loads on this machine (its platform package is installed); snappy's compressor is snappyjs", () => {
    assert.equal(lz4BlockCompressor().kind, 'native');
    assert.equal(snappyBlockCompressor().kind, 'javascript');
  });

  for (const [name, data] of SAMPLES) {
    test(`the JavaScript lz4 fallback writes frames the reader takes back (${name})`, () => {
      assert.deepEqual(decompressRecords(Compression.Lz4, compressLz4Frame(data, javascriptLz4())), data);
    });
  }

  test('the JavaScript lz4 fallback writes frames the native lz4_flex decoder reads as well', () => {
    const lz4 = require('lz4-napi') as { decompressFrameSync(data: Buffer): Buffer };
    for (const [name, data] of SAMPLES) assert.deepEqual(lz4.decompressFrameSync(compressLz4Frame(data, javascriptLz4())), data, name);
  });

  test("snappyjs's blocks decode the same with the reference decoder (Rust's snap, through the snappy binding)", () => {
    const snappy = require('snappy') as { uncompressSync(data: Buffer, options: { asBuffer: true }): Buffer };
    for (const [name, data] of SAMPLES) assert.deepEqual(snappy.uncompressSync(snappyBlockCompressor().compress(data), { asBuffer: true }), data, name);
  });
});
