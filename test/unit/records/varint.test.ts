// Zigzag varints and varlongs against encodings worked out by hand from the Kafka protocol
// documentation (protobuf base-128, least significant group first, zigzag: n >= 0 -> 2n,
// n < 0 -> -2n - 1), then read back through RecordCursor as the deltas of a real record.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { RECORDS_OFFSET, sealBatch } from '../../../src/records/record-batch.js';
import { RecordCursor } from '../../../src/records/record-cursor.js';
import { varintSize, varlongSize, writeVarint, writeVarlong, zigzag32 } from '../../../src/records/varint.js';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** [value, hex of its zigzag varint] for values in int32 range. */
const VARINTS: [number, string][] = [
  [0, '00'],
  [-1, '01'],
  [1, '02'],
  [-2, '03'],
  [2, '04'],
  [63, '7e'],
  [-64, '7f'],
  [64, '8001'],
  [-65, '8101'],
  [300, 'd804'], // 600 = 0b100_1011000: 0x58|0x80, 0x04
  [8191, 'fe7f'],
  [-8192, 'ff7f'],
  [8192, '808001'],
  [1048575, 'feff7f'],
  [1048576, '80808001'],
  [134217727, 'feffff7f'],
  [134217728, '8080808001'],
  [INT32_MAX, 'feffffff0f'], // zigzag 0xfffffffe
  [INT32_MIN, 'ffffffff0f'], // zigzag 0xffffffff
];

/** Values only a varlong holds, plus the int32-range boundary where writeVarlong switches paths. */
const VARLONGS: [number, string][] = [
  ...VARINTS,
  [2 ** 30 - 1, 'feffffff07'],
  [-(2 ** 30), 'ffffffff07'],
  [2 ** 30, '8080808008'], // zigzag 2^31 needs the slow path
  [-(2 ** 30) - 1, '8180808008'],
  [2 ** 31, '8080808010'], // zigzag 2^32: four zero groups, then 2^4
  [2 ** 40, '808080808040'], // zigzag 2^41: 5 zero groups, then 2^6
  [-(2 ** 40), 'ffffffffff3f'], // zigzag 2^41 - 1: 41 one bits
  [1700000000000, '80a0abfef962'], // a timestamp: T0 of fixtures 13 and 14
  [-1500, 'b717'],
  [Number.MAX_SAFE_INTEGER, 'feffffffffffff1f'], // zigzag 2^54 - 2
  [Number.MIN_SAFE_INTEGER, 'fdffffffffffff1f'], // zigzag 2^54 - 3 (odd, above 2^53)
  [-(2 ** 52) - 1, '8180808080808010'], // zigzag 2^53 + 1: rounds if formed as a double
  [2 ** 52 + 1, '8280808080808010'],
];

function varintHex(value: number): string {
  const buf = Buffer.alloc(10);
  return buf.subarray(0, writeVarint(buf, 0, value)).toString('hex');
}

function varlongHex(value: number): string {
  const buf = Buffer.alloc(10);
  return buf.subarray(0, writeVarlong(buf, 0, value)).toString('hex');
}

describe('records > varint', () => {
  for (const [value, hex] of VARINTS) {
    test(`writes ${value} as ${hex} and sizes it as ${hex.length / 2} bytes`, () => {
      assert.equal(varintHex(value), hex);
      assert.equal(varintSize(value), hex.length / 2);
    });
  }

  test('zigzag32 maps 0, -1, 1, -2 to 0, 1, 2, 3 and the int32 ends to the uint32 ends', () => {
    assert.deepEqual([0, -1, 1, -2].map(zigzag32), [0, 1, 2, 3]);
    assert.equal(zigzag32(INT32_MAX), 0xfffffffe);
    assert.equal(zigzag32(INT32_MIN), 0xffffffff);
  });

  test('writes at the given position and returns the position after the bytes', () => {
    const buf = Buffer.alloc(8, 0xee);
    assert.equal(writeVarint(buf, 3, 300), 5);
    assert.equal(buf.toString('hex'), 'eeeeeed804eeeeee');
  });
});

describe('records > varlong', () => {
  for (const [value, hex] of VARLONGS) {
    test(`writes ${value} as ${hex} and sizes it as ${hex.length / 2} bytes`, () => {
      assert.equal(varlongHex(value), hex);
      assert.equal(varlongSize(value), hex.length / 2);
    });
  }
});

describe('records > RecordCursor > varints', () => {
  const base = 2 ** 52; // room for every delta below without leaving the safe integers

  for (const [delta, hex] of VARLONGS) {
    if (Math.abs(delta) > 2 ** 51) continue;
    test(`reads a timestampDelta of ${delta} (${hex}) back`, () => {
      const batch = encodeRecordBatch([
        { key: null, value: null, headers: [], timestamp: base },
        { key: null, value: null, headers: [], timestamp: base + delta },
      ]);
      // The first record takes 7 bytes; the second is length (1 byte), attributes, timestampDelta.
      const deltaAt = RECORDS_OFFSET + 7 + 2;
      assert.equal(batch.toString('hex', deltaAt, deltaAt + hex.length / 2), hex, 'on the wire as written by hand');
      const cursor = new RecordCursor();
      cursor.open(batch, 0, batch.length);
      assert.ok(cursor.next() && cursor.next());
      assert.equal(cursor.timestamp, base + delta);
    });
  }

  test('reads the safe-integer extremes back as timestampDeltas, sign included', () => {
    for (const delta of [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -(2 ** 52) - 1, 2 ** 52 + 1]) {
      const batch = encodeRecordBatch([
        { key: null, value: null, headers: [], timestamp: 0 },
        { key: null, value: null, headers: [], timestamp: delta },
      ]);
      const cursor = new RecordCursor();
      cursor.open(batch, 0, batch.length);
      assert.ok(cursor.next() && cursor.next());
      assert.equal(cursor.timestamp, delta);
    }
  });

  test('reads 2-byte offsetDeltas from record 64 on', () => {
    const records = Array.from({ length: 130 }, (_, i) => ({ key: null, value: null, headers: [], timestamp: i }));
    const batch = encodeRecordBatch(records);
    const cursor = new RecordCursor();
    cursor.open(batch, 0, batch.length);
    for (let i = 0; i < 130; i++) {
      assert.ok(cursor.next());
      assert.equal(cursor.offset, i);
      assert.equal(cursor.timestamp, i);
    }
  });

  test('refuses a varint longer than 5 bytes', () => {
    const batch = encodeRecordBatch([{ key: Buffer.from('k'), value: null, headers: [], timestamp: 0 }]);
    // Record: length, attributes, timestampDelta, offsetDelta, keyLength... make keyLength 6 bytes.
    const keyLengthAt = RECORDS_OFFSET + 4;
    assert.equal(batch[keyLengthAt], 0x02);
    const edited = Buffer.concat([batch.subarray(0, keyLengthAt), Buffer.from('8080808080', 'hex'), batch.subarray(keyLengthAt)]);
    edited[RECORDS_OFFSET] = edited[RECORDS_OFFSET]! + 10; // length grows by 5 bytes (zigzag 2 per byte)
    sealBatch(edited, 0, edited.length);
    const cursor = new RecordCursor();
    cursor.open(edited, 0, edited.length);
    assert.throws(() => cursor.next(), CorruptBatchError);
  });

  test('refuses a timestampDelta outside the safe integers instead of rounding it', () => {
    const batch = encodeRecordBatch([{ key: null, value: null, headers: [], timestamp: 0 }]);
    const deltaAt = RECORDS_OFFSET + 2;
    assert.equal(batch[deltaAt], 0x00);
    // zigzag 2^60: eight 0x80 groups then 0x10 (9 bytes instead of 1).
    const huge = Buffer.from('808080808080808010', 'hex');
    const edited = Buffer.concat([batch.subarray(0, deltaAt), huge, batch.subarray(deltaAt + 1)]);
    edited[RECORDS_OFFSET] = edited[RECORDS_OFFSET]! + 16;
    sealBatch(edited, 0, edited.length);
    const cursor = new RecordCursor();
    cursor.open(edited, 0, edited.length);
    assert.throws(() => cursor.next(), CorruptBatchError);
  });
});
