// RecordCursor and decodeRecords: round trips of generated records (seeded, so a failure names
// the seed that reproduces it) through encodeRecordBatch and BatchBuilder, and records whose
// framing lies about their own lengths.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { BatchBuilder } from '../../../src/records/batch-builder.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { encodeHeaders, NO_HEADERS } from '../../../src/records/headers.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_MASK,
  CONTROL_MASK,
  Compression,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
  batchDefect,
  readBatchHeader,
  sealBatch,
  stampBaseOffset,
} from '../../../src/records/record-batch.js';
import { RecordCursor, decodeRecords } from '../../../src/records/record-cursor.js';
import type { ProducerRecord } from '../../../src/records/record.js';
import { readBatchFixture } from '../../helpers/fixtures.js';

/** mulberry32: a tiny deterministic PRNG, so generated cases are the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(random: () => number, maxLength: number): Buffer | null {
  const roll = random();
  if (roll < 0.15) return null;
  if (roll < 0.25) return Buffer.alloc(0);
  // Mostly short, sometimes long enough for 2- and 3-byte length varints.
  const length = Math.floor(random() ** 3 * maxLength);
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
  return out;
}

function randomRecords(seed: number, count: number): ProducerRecord[] {
  const random = prng(seed);
  const start = 1_700_000_000_000 + Math.floor(random() * 1e9);
  return Array.from({ length: count }, () => {
    const headerCount = random() < 0.6 ? 0 : Math.floor(random() * 4);
    const headers = Array.from({ length: headerCount }, (_, h) => ({
      key: random() < 0.2 ? '' : `h${h}-${'ü✓'.repeat(Math.floor(random() * 3))}`,
      value: randomBytes(random, 40),
    }));
    // Timestamps wander both ways around the first one, as explicit CreateTimes may.
    const timestamp = start + Math.floor((random() - 0.4) * 100_000);
    return { key: randomBytes(random, 64), value: randomBytes(random, 20_000), headers, timestamp };
  });
}

function assertDecodesTo(batch: Buffer, records: readonly ProducerRecord[], baseOffset = 0): void {
  assert.equal(batchDefect(batch, 0, batch.length), null);
  const header = readBatchHeader(batch);
  assert.equal(header.recordCount, records.length);
  assert.equal(header.lastOffsetDelta, records.length - 1);
  assert.equal(header.baseTimestamp, records[0]!.timestamp);
  assert.equal(header.maxTimestamp, Math.max(...records.map((r) => r.timestamp)));
  assert.deepEqual(
    decodeRecords(batch),
    records.map((r, i) => ({ ...r, offset: baseOffset + i })),
  );
}

const COUNTS = [1, 2, 63, 64, 65, 127, 128, 129, 500];
const CODECS = [Compression.None, Compression.Gzip];

describe('records > RecordCursor > round trips', () => {
  for (const compression of CODECS) {
    for (const [i, count] of COUNTS.entries()) {
      const seed = 1000 + i * 7 + compression;
      test(`decodes ${count} generated records encoded by encodeRecordBatch (codec ${compression}, seed ${seed})`, () => {
        const records = randomRecords(seed, count);
        const batch = encodeRecordBatch(records, compression);
        assert.equal(batch.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_MASK, compression);
        assertDecodesTo(batch, records);
      });
    }

    test(`decodes 30 random-sized batches appended through BatchBuilder with value slices (codec ${compression})`, () => {
      for (let seed = 1; seed <= 30; seed++) {
        const random = prng(seed);
        const records = randomRecords(seed * 31 + compression, Math.floor(random() * 501) || 1);
        // BatchBuilder takes a value as a slice of a bigger buffer, as the producer hands them over.
        const builder = new BatchBuilder(64 * 1024 * 1024, compression);
        for (const r of records) {
          const padded = r.value === null ? null : Buffer.concat([Buffer.from('<<<'), r.value, Buffer.from('>>')]);
          const headers = r.headers.length === 0 ? NO_HEADERS : encodeHeaders(r.headers);
          const end = padded === null ? 0 : padded.length - 2;
          assert.ok(builder.append(r.timestamp, r.key, padded, 3, end, headers));
        }
        assertDecodesTo(builder.build()!, records);
      }
    });
  }

  test('an empty record list has no batch: encodeRecordBatch refuses it, BatchBuilder builds null', () => {
    assert.throws(() => encodeRecordBatch([]), RangeError);
    assert.equal(new BatchBuilder(1024).build(), null);
  });

  test('offsets are the stamped baseOffset plus each offsetDelta', () => {
    const records = randomRecords(7, 70);
    for (const compression of CODECS) {
      const batch = encodeRecordBatch(records, compression);
      stampBaseOffset(batch, 0, 4_000_000_000_000);
      assertDecodesTo(batch, records, 4_000_000_000_000);
    }
  });
});

describe('records > RecordCursor', () => {
  const records: ProducerRecord[] = [
    { key: Buffer.from('k0'), value: Buffer.from('v0'), headers: [], timestamp: 10 },
    { key: null, value: Buffer.alloc(0), headers: [{ key: 'h', value: null }], timestamp: 9 },
    { key: Buffer.alloc(0), value: null, headers: [{ key: 'a', value: Buffer.from('1') }, { key: '', value: Buffer.alloc(0) }], timestamp: 12 },
  ];

  test('reads uncompressed records in place: positions point into the batch itself', () => {
    const batch = encodeRecordBatch(records);
    const cursor = new RecordCursor();
    cursor.open(batch, 0, batch.length);
    assert.equal(cursor.data, batch);
    assert.ok(cursor.next());
    assert.equal(batch.toString('utf8', cursor.keyStart, cursor.keyStart + cursor.keyLength), 'k0');
    assert.equal(batch.toString('utf8', cursor.valueStart, cursor.valueStart + cursor.valueLength), 'v0');
    assert.equal(cursor.headerCount, 0);
    assert.ok(cursor.next());
    assert.equal(cursor.keyLength, -1);
    assert.equal(cursor.valueLength, 0);
    assert.equal(cursor.timestamp, 9);
    assert.ok(cursor.next());
    assert.equal(cursor.keyLength, 0);
    assert.equal(cursor.valueLength, -1);
    assert.equal(cursor.headerCount, 2);
    assert.equal(cursor.next(), false);
    assert.equal(cursor.next(), false, 'stays at the end');
  });

  test('headers() can be called before or after key() and value(), any number of times', () => {
    const batch = encodeRecordBatch(records);
    const cursor = new RecordCursor();
    cursor.open(batch, 0, batch.length);
    cursor.next();
    cursor.next();
    cursor.next();
    const expected = [{ key: 'a', value: Buffer.from('1') }, { key: '', value: Buffer.alloc(0) }];
    assert.deepEqual(cursor.headers(), expected);
    assert.deepEqual(cursor.key(), Buffer.alloc(0));
    assert.deepEqual(cursor.headers(), expected);
    assert.equal(cursor.next(), false);
  });

  test('opens a batch in the middle of a buffer holding several, as a segment read does', () => {
    const a = encodeRecordBatch(records);
    const b = encodeRecordBatch(randomRecords(3, 5), Compression.Gzip);
    stampBaseOffset(b, 0, 3);
    const segment = Buffer.concat([a, b, a]);
    const cursor = new RecordCursor();
    cursor.open(segment, a.length, b.length);
    const offsets: number[] = [];
    while (cursor.next()) offsets.push(cursor.offset);
    assert.deepEqual(offsets, [3, 4, 5, 6, 7]);
    cursor.open(segment, a.length + b.length, a.length);
    assert.ok(cursor.next());
    assert.deepEqual(cursor.key(), Buffer.from('k0'));
  });

  test('decodeRecords takes the batch size from batchLength, not from the buffer end', () => {
    for (const compression of CODECS) {
      const a = encodeRecordBatch(records, compression);
      const segment = Buffer.concat([a, encodeRecordBatch(randomRecords(5, 3), compression)]);
      assert.deepEqual(decodeRecords(segment).map((r) => r.timestamp), [10, 9, 12]);
    }
    // A compressed section must be handed to its codec without the next batch's bytes behind it.
    for (const file of ['08-compression-snappy.bin', '09-compression-lz4.bin']) {
      const batch = readBatchFixture(file);
      const segment = Buffer.concat([batch, readBatchFixture('01-basic-no-key.bin')]);
      assert.deepEqual(decodeRecords(segment), decodeRecords(batch, 0, batch.length));
    }
  });

  test('reports the control bit of a batch', () => {
    const batch = encodeRecordBatch(records);
    const cursor = new RecordCursor();
    cursor.open(batch, 0, batch.length);
    assert.equal(cursor.isControl, false);
    batch.writeInt16BE(batch.readInt16BE(ATTRIBUTES_OFFSET) | CONTROL_MASK, ATTRIBUTES_OFFSET);
    cursor.open(batch, 0, batch.length);
    assert.equal(cursor.isControl, true);
  });
});

describe('records > RecordCursor > malformed records', () => {
  /** One record (key "k", value "v", header x=y) with its bytes handed to `edit`, then resealed. */
  function editedBatch(edit: (record: Buffer) => Buffer, recordCount = 1): Buffer {
    const batch = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'x', value: Buffer.from('y') }], timestamp: 0 }]);
    const edited = Buffer.concat([batch.subarray(0, RECORDS_OFFSET), edit(Buffer.from(batch.subarray(RECORDS_OFFSET)))]);
    edited.writeInt32BE(recordCount, RECORD_COUNT_OFFSET);
    edited.writeInt32BE(recordCount - 1, LAST_OFFSET_DELTA_OFFSET);
    sealBatch(edited, 0, edited.length);
    return edited;
  }

  function assertCorrupt(batch: Buffer, pattern: RegExp): void {
    assert.throws(
      () => decodeRecords(batch),
      (err: unknown) => err instanceof CorruptBatchError && pattern.test(err.message),
    );
  }

  // The record: 0 length 0x18 (12), 1 attributes, 2 tsDelta, 3 offsetDelta, 4 keyLength 02, 5 'k',
  // 6 valueLength 02, 7 'v', 8 headerCount 02, 9 keyLength 02, 10 'x', 11 valueLength 02, 12 'y'.
  test('the hand-made record decodes before it is edited', () => {
    assert.deepEqual(decodeRecords(editedBatch((r) => r)), [
      { offset: 0, timestamp: 0, key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'x', value: Buffer.from('y') }] },
    ]);
  });

  test('refuses a record whose length runs past the batch', () => {
    assertCorrupt(editedBatch((r) => ((r[0] = 0x1a), r)), /runs past the end of its batch/);
  });

  test('refuses a record whose fields run past its own length', () => {
    // Length 7 ends the record at byte 8, inside the fixed fields (which end after headerCount, byte 9).
    assertCorrupt(editedBatch((r) => ((r[0] = 0x0e), r)), /longer than its length field/);
  });

  test('refuses a key that runs past the batch', () => {
    assertCorrupt(editedBatch((r) => ((r[4] = 0x7e), r)), /runs past the end of its batch|longer than its length/);
  });

  test('refuses a header that runs past its record', () => {
    assertCorrupt(editedBatch((r) => ((r[11] = 0x0a), r)), /header/);
    assertCorrupt(editedBatch((r) => ((r[9] = 0x0a), r)), /header/);
  });

  test('refuses a header key with a negative length', () => {
    assertCorrupt(editedBatch((r) => ((r[9] = 0x01), r)), /header/);
  });

  test('refuses a negative or oversized header count', () => {
    assertCorrupt(editedBatch((r) => ((r[8] = 0x01), r)), /header/);
    assertCorrupt(editedBatch((r) => ((r[8] = 0x04), r)), /header/);
  });

  test('refuses a recordCount larger than the records present', () => {
    assertCorrupt(editedBatch((r) => r, 2), /runs past the end of its batch/);
  });

  test('a generated batch cut short anywhere in its records section is refused, never misread', () => {
    const batch = encodeRecordBatch(randomRecords(11, 20));
    for (let size = RECORDS_OFFSET; size < batch.length; size += 7) {
      const torn = Buffer.from(batch.subarray(0, size));
      torn.writeInt32BE(size - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
      assert.throws(() => decodeRecords(torn), CorruptBatchError, `cut at ${size}`);
    }
  });
});
