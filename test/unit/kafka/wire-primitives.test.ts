// The primitives of Kafka's wire format against encodings worked out by hand from the protocol
// guide, and the reader's refusals: every truncation or impossible length is a KafkaProtocolError.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaProtocolError } from '../../../src/kafka/protocol/kafka-protocol-error.js';
import { WireReader } from '../../../src/kafka/protocol/wire-reader.js';
import { BYTES_BY_REFERENCE, WireWriter, concatParts } from '../../../src/kafka/protocol/wire-writer.js';

function written(fill: (w: WireWriter) => void): string {
  const w = new WireWriter(16);
  fill(w);
  const out = concatParts(w.finish());
  assert.equal(out.length, w.length);
  return out.toString('hex');
}

function reader(hex: string): WireReader {
  return new WireReader(Buffer.from(hex, 'hex'));
}

describe('kafka > wire > integers', () => {
  test('fixed-width integers are big-endian', () => {
    assert.equal(written((w) => { w.int8(-2); w.int16(-2); w.uint16(65535); w.int32(0x01020304); w.uint32(0xfffffffe); }), 'fefffeffff01020304fffffffe');
    const r = reader('fefffeffff01020304fffffffe');
    assert.deepEqual([r.int8(), r.int16(), r.uint16(), r.int32(), r.uint32()], [-2, -2, 65535, 0x01020304, 0xfffffffe]);
  });

  test('int64 round-trips safe integers and clamps what lies beyond the int64 range', () => {
    for (const [value, hex] of [
      [0, '0000000000000000'],
      [-1, 'ffffffffffffffff'],
      [Number.MAX_SAFE_INTEGER, '001fffffffffffff'],
      [-Number.MAX_SAFE_INTEGER, 'ffe0000000000001'],
      [2 ** 32, '0000000100000000'],
    ] as const) {
      assert.equal(written((w) => w.int64(value)), hex);
      assert.equal(reader(hex).int64(), value);
    }
    // Long.MAX_VALUE reads as 2^63 (the nearest double) and is written back as Long.MAX_VALUE.
    assert.equal(reader('7fffffffffffffff').int64(), 2 ** 63);
    assert.equal(written((w) => w.int64(2 ** 63)), '7fffffffffffffff');
    assert.equal(reader('8000000000000000').int64(), -(2 ** 63));
    assert.equal(written((w) => w.int64(-(2 ** 64))), '8000000000000000');
    assert.throws(() => written((w) => w.int64(Number.NaN)), RangeError);
  });

  test('bool and float64', () => {
    assert.equal(written((w) => { w.bool(true); w.bool(false); w.float64(1.5); }), '01003ff8000000000000');
    const r = reader('0200');
    assert.deepEqual([r.bool(), r.bool()], [true, false]);
    assert.equal(reader('3ff8000000000000').float64(), 1.5);
  });

  test('unsigned varints are base-128, least significant group first, at most 32 bits', () => {
    for (const [value, hex] of [
      [0, '00'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16384, '808001'],
      [0xffffffff, 'ffffffff0f'],
    ] as const) {
      assert.equal(written((w) => w.uvarint(value)), hex);
      assert.equal(reader(hex).uvarint(), value);
    }
    assert.throws(() => reader('ffffffff1f').uvarint(), KafkaProtocolError);
    assert.throws(() => reader('ffffffffff01').uvarint(), KafkaProtocolError);
    assert.throws(() => reader('80').uvarint(), KafkaProtocolError);
    assert.throws(() => written((w) => w.uvarint(-1)), RangeError);
  });

  test('signed varints and varlongs are zigzag encoded', () => {
    for (const [value, hex] of [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-64, '7f'],
      [64, '8001'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ] as const) {
      assert.equal(written((w) => w.varint(value)), hex);
      assert.equal(reader(hex).varint(), value);
      assert.equal(written((w) => w.varlong(value)), hex);
      assert.equal(reader(hex).varlong(), value);
    }
    // 2^40: zigzag 2^41, seven-bit groups 0,0,0,0,0,64 -> 808080808040
    assert.equal(written((w) => w.varlong(2 ** 40)), '808080808040');
    assert.equal(reader('808080808040').varlong(), 2 ** 40);
    assert.equal(reader(written((w) => w.varlong(-(2 ** 50) - 3))).varlong(), -(2 ** 50) - 3);
    assert.throws(() => reader('ffffffffffffffffffff01').varlong(), KafkaProtocolError);
  });
});

describe('kafka > wire > uuid, strings and bytes', () => {
  test('a uuid is 16 raw bytes read as the lowercase 8-4-4-4-12 form', () => {
    const hex = '0123456789abcdef0011223344556677';
    assert.equal(reader(hex).uuid(), '01234567-89ab-cdef-0011-223344556677');
    assert.equal(written((w) => w.uuid('01234567-89AB-CDEF-0011-223344556677')), hex);
    assert.equal(reader('00'.repeat(16)).uuid(), '00000000-0000-0000-0000-000000000000');
    assert.throws(() => written((w) => w.uuid('0123456789abcdef0011223344556677')), RangeError);
    assert.throws(() => reader('00'.repeat(15)).uuid(), KafkaProtocolError);
  });

  test('strings: int16 length or compact length + 1, UTF-8 bytes, null as -1 or 0', () => {
    assert.equal(written((w) => w.nullableString('é')), '0002c3a9');
    assert.equal(written((w) => w.nullableString(null)), 'ffff');
    assert.equal(written((w) => w.compactNullableString('ab')), '036162');
    assert.equal(written((w) => w.compactNullableString(null)), '00');
    assert.equal(written((w) => w.compactNullableString('')), '01');
    assert.equal(reader('0002c3a9').string(), 'é');
    assert.equal(reader('ffff').nullableString(), null);
    assert.equal(reader('036162').compactString(), 'ab');
    assert.equal(reader('00').compactNullableString(), null);
    assert.throws(() => reader('ffff').string(), KafkaProtocolError);
    assert.throws(() => reader('fffe').nullableString(), KafkaProtocolError);
    assert.throws(() => reader('0005616263').string(), KafkaProtocolError);
    assert.throws(() => reader('00').compactString(), KafkaProtocolError);
  });

  test('bytes are read as views into the frame, never copies', () => {
    const frame = Buffer.from('00000003616263' + '04010203', 'hex');
    const r = new WireReader(frame);
    const a = r.bytes();
    const b = r.compactBytes();
    assert.equal(a.toString(), 'abc');
    assert.deepEqual([...b], [1, 2, 3]);
    assert.equal(a.buffer, frame.buffer);
    assert.equal(a.byteOffset, frame.byteOffset + 4);
    assert.equal(b.buffer, frame.buffer);
    assert.equal(reader('ffffffff').nullableBytes(), null);
    assert.throws(() => reader('fffffffe').nullableBytes(), KafkaProtocolError);
    assert.throws(() => reader('7fffffff00').bytes(), KafkaProtocolError);
  });

  test('large byte values are passed to the output by reference, small ones are copied', () => {
    const big = Buffer.alloc(BYTES_BY_REFERENCE, 7);
    const small = Buffer.from('abc');
    const w = new WireWriter();
    w.int8(1);
    w.nullableBytes(big);
    w.compactNullableBytes([small, big]);
    w.int8(2);
    const parts = w.finish();
    assert.equal(parts.filter((p) => p === big).length, 2, 'the big buffer itself, twice');
    assert.ok(!parts.includes(small));
    const joined = Buffer.concat(parts);
    assert.equal(joined.length, w.length);
    const r = new WireReader(joined);
    assert.equal(r.int8(), 1);
    assert.ok(r.bytes().equals(big));
    assert.ok(r.compactBytes().equals(Buffer.concat([small, big])));
    assert.equal(r.int8(), 2);
  });

  test('a writer grows across many chunks without losing bytes', () => {
    const w = new WireWriter(8);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const out = concatParts(w.finish());
    assert.equal(out.length, 4000);
    for (let i = 0; i < 1000; i++) assert.equal(out.readInt32BE(i * 4), i);
  });
});

describe('kafka > wire > arrays and tagged sections', () => {
  test('array counts: int32 (-1 null) or compact count + 1 (0 null)', () => {
    assert.equal(written((w) => { w.arrayLength(2); w.arrayLength(null); w.compactArrayLength(2); w.compactArrayLength(null); }), '00000002ffffffff0300');
    assert.equal(reader('00000002aabb').arrayLength(1), 2);
    assert.equal(reader('ffffffff').arrayLength(1), -1);
    assert.equal(reader('03aabb').compactArrayLength(1), 2);
    assert.equal(reader('00').compactArrayLength(1), -1);
  });

  test('a count that cannot fit in the bytes left is refused before anything is allocated', () => {
    assert.throws(() => reader('7fffffff').arrayLength(4), KafkaProtocolError);
    assert.throws(() => reader('00000002aabbcc').arrayLength(4), KafkaProtocolError);
    assert.throws(() => reader('fffffffe').arrayLength(1), KafkaProtocolError);
    assert.throws(() => reader('ffffffff0f').compactArrayLength(1), KafkaProtocolError);
  });

  test('a tagged-field section of unknown tags is skipped', () => {
    const r = reader('02' + '01' + '02aabb' + '05' + '00' + '77');
    r.skipTaggedFields();
    assert.equal(r.int8(), 0x77);
    assert.throws(() => reader('0101' + '05aa').skipTaggedFields(), KafkaProtocolError);
  });
});
