// BatchBuilder.appendValues, the run-at-a-time path of `spool produce`: the batches it builds must
// be byte for byte the ones append() builds record by record, and it must stop exactly where the
// caller has to take over (a value without its delimiter, a long value, a full batch).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ByteArena } from '../../../src/common/byte-arena.js';
import { BatchBuilder } from '../../../src/records/batch-builder.js';
import { encodeHeaders, NO_HEADERS } from '../../../src/records/headers.js';
import { Compression } from '../../../src/records/record-batch.js';
import { decodeRecords } from '../../../src/records/record-cursor.js';

const NL = 0x0a;
const PRODUCER = { producerId: 7, producerEpoch: 2 };

/** The same values framed one append() at a time: the reference. */
function appendOneByOne(builder: BatchBuilder, timestamp: number, key: Buffer | null, headers: Buffer, buf: Buffer, pos: number, end: number, nullEmpty: boolean): void {
  while (pos < end) {
    const stop = buf.indexOf(NL, pos);
    const empty = stop === pos && nullEmpty;
    assert.ok(builder.append(timestamp, key, empty ? null : buf, pos, stop, headers));
    pos = stop + 1;
  }
}

function lines(values: string[]): Buffer {
  return Buffer.from(values.map((v) => `${v}\n`).join(''));
}

const KEYS: Array<[string, Buffer | null]> = [
  ['no key', null],
  ['an empty key', Buffer.alloc(0)],
  ['a short key', Buffer.from('user-42')],
  ['a long key', Buffer.from('k'.repeat(300))],
];
const HEADERS: Array<[string, Buffer]> = [
  ['no headers', NO_HEADERS],
  ['headers', encodeHeaders([{ key: 'trace', value: Buffer.from('abc') }, { key: 'none', value: null }])],
];

describe('records > BatchBuilder > appendValues', () => {
  for (const [keyName, key] of KEYS) {
    for (const [headersName, headers] of HEADERS) {
      for (const nullEmpty of [false, true]) {
        test(`builds the batch append() builds: ${keyName}, ${headersName}, nullEmpty ${nullEmpty}`, () => {
          // Values of 0 to 300 bytes: varint lengths of one and two bytes, offsetDeltas past 63.
          const values = Array.from({ length: 400 }, (_, i) => 'v'.repeat((i * 37) % 301));
          const input = lines(values);
          const fast = new BatchBuilder(1 << 20, Compression.None, PRODUCER);
          const slow = new BatchBuilder(1 << 20, Compression.None, PRODUCER);
          // Two calls with different timestamps: the second run's records carry a delta.
          const half = input.indexOf(NL, input.length >> 1) + 1;
          assert.equal(fast.appendValues(5000, key, headers, input, 0, half, NL, nullEmpty, 1 << 20), half);
          assert.equal(fast.appendValues(5003, key, headers, input, half, input.length, NL, nullEmpty, 1 << 20), input.length);
          appendOneByOne(slow, 5000, key, headers, input, 0, half, nullEmpty);
          appendOneByOne(slow, 5003, key, headers, input, half, input.length, nullEmpty);
          assert.equal(fast.recordCount, values.length);
          assert.equal(fast.sizeBytes, slow.sizeBytes);
          const batch = fast.build(11)!;
          assert.deepEqual(batch, slow.build(11)!);
          const records = decodeRecords(batch);
          assert.equal(records[0]!.value === null, nullEmpty, 'the first value is empty');
          assert.deepEqual(records[5]!.value, Buffer.from(values[5]!));
          assert.equal(records[399]!.timestamp, 5003);
        });
      }
    }
  }

  test('a timestamp far from the batch base takes a varlong delta, as in append()', () => {
    const input = lines(['a', 'b']);
    const fast = new BatchBuilder(4096);
    const slow = new BatchBuilder(4096);
    fast.appendValues(1, null, NO_HEADERS, input, 0, 2, NL, false, 100);
    fast.appendValues(1_700_000_000_000, null, NO_HEADERS, input, 2, 4, NL, false, 100);
    appendOneByOne(slow, 1, null, NO_HEADERS, input, 0, 2, false);
    appendOneByOne(slow, 1_700_000_000_000, null, NO_HEADERS, input, 2, 4, false);
    assert.deepEqual(fast.build(), slow.build());
  });

  test('copies values out of the arena when input and batch lie in it (one copyWithin)', () => {
    const arena = new ByteArena(1 << 16, 3);
    const input = arena.take()!;
    const text = lines(Array.from({ length: 500 }, (_, i) => `line ${i}`));
    text.copy(input);
    const fast = new BatchBuilder(1 << 16, Compression.None, PRODUCER, arena);
    const slow = new BatchBuilder(1 << 16, Compression.None, PRODUCER);
    assert.equal(fast.appendValues(9, null, NO_HEADERS, input, 0, text.length, NL, false, 1000), text.length);
    appendOneByOne(slow, 9, null, NO_HEADERS, text, 0, text.length, false);
    assert.deepEqual(fast.build(), slow.build());
  });

  test('stops before a value without its delimiter', () => {
    const input = Buffer.from('one\ntwo\nthree');
    const builder = new BatchBuilder(4096);
    assert.equal(builder.appendValues(1, null, NO_HEADERS, input, 0, input.length, NL, false, 100), 8);
    assert.equal(builder.recordCount, 2);
  });

  test('stops before a value longer than maxValueBytes, even as the first one', () => {
    const input = lines(['short', 'x'.repeat(50), 'after']);
    const builder = new BatchBuilder(4096);
    assert.equal(builder.appendValues(1, null, NO_HEADERS, input, 0, input.length, NL, false, 49), 6);
    assert.equal(builder.appendValues(1, null, NO_HEADERS, input, 6, input.length, NL, false, 49), 6);
    assert.equal(builder.recordCount, 1);
    assert.equal(builder.appendValues(1, null, NO_HEADERS, input, 6, input.length, NL, false, 50), input.length);
  });

  test('stops before the value that would overflow the batch, leaving it to the next batch', () => {
    const values = Array.from({ length: 100 }, (_, i) => `value-${i}`.padEnd(40, '.'));
    const input = lines(values);
    const builder = new BatchBuilder(1000);
    const stop = builder.appendValues(1, null, NO_HEADERS, input, 0, input.length, NL, false, 500);
    const framed = builder.recordCount;
    assert.ok(framed > 1 && stop === framed * 41, `stopped after ${framed} values at ${stop}`);
    assert.ok(builder.sizeBytes <= 1000);
    const first = decodeRecords(builder.build()!);
    assert.equal(builder.appendValues(1, null, NO_HEADERS, input, stop, input.length, NL, false, 500), stop + framed * 41);
    const second = decodeRecords(builder.build()!);
    assert.deepEqual([...first, ...second].map((r) => r.value!.toString()), values.slice(0, 2 * framed));
  });

  test('frames nothing into an empty batch a value does not fit (append() gives it a buffer of its own)', () => {
    const input = lines(['y'.repeat(2000)]);
    const builder = new BatchBuilder(1000);
    assert.equal(builder.appendValues(1, null, NO_HEADERS, input, 0, input.length, NL, false, 1 << 20), 0);
    assert.equal(builder.recordCount, 0);
    assert.equal(builder.build(), null);
  });
});
