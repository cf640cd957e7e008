// decompressRecords, the one entry RecordCursor uses: each codec a Kafka client writes is routed
// to its reader, and what cannot be read is refused with a CorruptBatchError naming the codec.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { decompressRecords } from '../../../src/records/compression.js';
import { Compression, RECORDS_OFFSET } from '../../../src/records/record-batch.js';
import { readBatchFixture } from '../../helpers/fixtures.js';

function section(file: string): Buffer {
  return readBatchFixture(file).subarray(RECORDS_OFFSET);
}

describe('records > decompressRecords', () => {
  test('hands uncompressed records back as they are', () => {
    const data = section('06-compression-none.bin');
    assert.equal(decompressRecords(Compression.None, data), data);
  });

  test('decompresses fixtures 07 (gzip), 08 (snappy) and 09 (lz4) to the bytes of their uncompressed twin 06', () => {
    const plain = section('06-compression-none.bin');
    assert.deepEqual(decompressRecords(Compression.Gzip, section('07-compression-gzip.bin')), plain);
    assert.deepEqual(decompressRecords(Compression.Snappy, section('08-compression-snappy.bin')), plain);
    // In 09 the clock ticked after record 0: records 1-4 carry timestampDelta 1 (zigzag 0x02).
    // Each record is a 2-byte length plus 193 bytes; its timestampDelta follows the attributes byte.
    const ticked = Buffer.from(plain);
    for (let i = 1; i < 5; i++) ticked[i * 195 + 3] = 0x02;
    assert.deepEqual(decompressRecords(Compression.Lz4, section('09-compression-lz4.bin')), ticked);
  });

  test('gunzips what gzip wrote and refuses what it did not', () => {
    const data = Buffer.from('records section');
    assert.deepEqual(decompressRecords(Compression.Gzip, gzipSync(data)), data);
    assert.throws(() => decompressRecords(Compression.Gzip, data), (err: unknown) => err instanceof CorruptBatchError && /^gzip records section does not decompress/.test(err.message));
  });

  test('refuses zstd, naming it and the codecs that are readable', () => {
    assert.throws(
      () => decompressRecords(Compression.Zstd, section('10-compression-zstd.bin')),
      (err: unknown) =>
        err instanceof CorruptBatchError &&
        err.message === 'batch is compressed with zstd, which spool cannot decompress (none, gzip, snappy and lz4 are supported)',
    );
  });

  test('refuses the codec numbers 5 to 7 that Kafka has not assigned', () => {
    for (const codec of [5, 6, 7]) {
      assert.throws(() => decompressRecords(codec, Buffer.alloc(4)), (err: unknown) => err instanceof CorruptBatchError && err.message.includes(`codec ${codec}`));
    }
  });

  test('refuses snappy and lz4 garbage as CorruptBatchError', () => {
    assert.throws(() => decompressRecords(Compression.Snappy, Buffer.from('not snappy at all')), CorruptBatchError);
    assert.throws(() => decompressRecords(Compression.Lz4, Buffer.from('not lz4 at all')), CorruptBatchError);
    assert.throws(() => decompressRecords(Compression.Lz4, Buffer.alloc(0)), CorruptBatchError);
  });
});
