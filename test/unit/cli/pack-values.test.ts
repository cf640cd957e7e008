// The `value` format's in-place packer against the record cursor, which decodes the same bytes
// field by field: for every batch shape the output must be each value and a newline, in order,
// with the same stops and next offset the general path reports.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { packValues, type PackLimits } from '../../../src/cli/consume/pack-values.js';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { filterBatch } from '../../../src/records/encode-records.js';
import { ATTRIBUTES_OFFSET, CONTROL_MASK, RECORD_COUNT_OFFSET, RECORDS_OFFSET, batchSizeAt, sealBatch, stampBaseOffset } from '../../../src/records/record-batch.js';
import { RecordCursor } from '../../../src/records/record-cursor.js';
import type { ProducerRecord } from '../../../src/records/record.js';
import { fixtureBytes, loadBatchCases, readBatchFixture } from '../../helpers/fixtures.js';

function rec(value: string | null, key: string | null = null, timestamp = 1000, headers: ProducerRecord['headers'] = []): ProducerRecord {
  return { key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers, timestamp };
}

/** Batches stamped at consecutive offsets from `base`; `control` marks batch indexes as control batches. */
function log(groups: ProducerRecord[][], base = 0, control: readonly number[] = []): Buffer {
  return Buffer.concat(
    groups.map((records, i) => {
      const batch = encodeRecordBatch(records);
      stampBaseOffset(batch, 0, base);
      if (control.includes(i)) {
        batch.writeInt16BE(batch.readInt16BE(ATTRIBUTES_OFFSET) | CONTROL_MASK, ATTRIBUTES_OFFSET);
        sealBatch(batch, 0, batch.length);
      }
      base += records.length;
      return batch;
    }),
  );
}

/** What the cursor reads: the expected output and progress for the same limits. */
function expected(records: Buffer, limits: PackLimits): { text: string; records: number; nextOffset: number; stoppedAt: number | null } {
  const cursor = new RecordCursor();
  let text = '';
  let packed = 0;
  let nextOffset = limits.fetchOffset;
  for (let pos = 0; pos < records.length; ) {
    const size = records.readInt32BE(pos + 8) + 12;
    cursor.open(records, pos, size);
    const lastOffset = cursor.baseOffset + records.readInt32BE(pos + 23);
    pos += size;
    if (lastOffset < limits.fetchOffset) continue;
    while (cursor.next()) {
      if (cursor.offset < limits.fetchOffset) continue;
      if (cursor.offset >= limits.stopOffset) return { text, records: packed, nextOffset, stoppedAt: limits.stopOffset };
      if (limits.untilTimestamp !== null && cursor.timestamp >= limits.untilTimestamp) return { text, records: packed, nextOffset, stoppedAt: cursor.offset };
      nextOffset = cursor.offset + 1;
      if (cursor.isControl) continue;
      text += (cursor.value()?.toString('latin1') ?? '') + '\n';
      if (++packed >= limits.maxRecords) return { text, records: packed, nextOffset, stoppedAt: null };
    }
    nextOffset = Math.max(nextOffset, lastOffset + 1);
  }
  return { text, records: packed, nextOffset, stoppedAt: null };
}

function check(records: Buffer, overrides: Partial<PackLimits> = {}): void {
  const limits: PackLimits = { fetchOffset: 0, stopOffset: Infinity, untilTimestamp: null, maxRecords: Infinity, ...overrides };
  const want = expected(records, limits);
  const copy = Buffer.from(records);
  const got = packValues(copy, limits);
  assert.equal(copy.toString('latin1', 0, got.bytes), want.text);
  assert.deepEqual({ records: got.records, nextOffset: got.nextOffset, stoppedAt: got.stoppedAt }, { records: want.records, nextOffset: want.nextOffset, stoppedAt: want.stoppedAt });
}

const MIXED = [
  [rec('alpha'), rec(''), rec(null), rec('x'.repeat(300), 'key'), rec('h', null, 1000, [{ key: 'a', value: Buffer.from('b') }, { key: 'n', value: null }])],
  [rec('delta', 'k'.repeat(200)), rec('y'.repeat(70_000)), rec('foxtrot')],
  Array.from({ length: 200 }, (_, i) => rec(`v${i}`, null, 1000 + i * 100_000)),
];

describe('cli > packValues', () => {
  test('packs values of every shape: empty, null, long (multi-byte lengths), with keys and headers', () => {
    check(log(MIXED));
    check(log(MIXED, 5_000_000_000));
  });

  test('skips records below the fetch offset, also inside a batch, and stops at the stop offset', () => {
    const records = log(MIXED);
    for (const fetchOffset of [0, 1, 4, 5, 6, 8, 9, 100, 208]) check(records, { fetchOffset });
    for (const stopOffset of [0, 1, 5, 7, 8, 50, 208]) check(records, { fetchOffset: 2, stopOffset });
  });

  test('stops at the first record at or after --until, with timestamps of several varint bytes', () => {
    const records = log(MIXED);
    for (const untilTimestamp of [0, 1000, 1001, 300_000, 5_000_000, 19_000_001, 1e15]) check(records, { untilTimestamp });
  });

  test('stops after the record limit', () => {
    const records = log(MIXED);
    for (const maxRecords of [1, 2, 5, 8, 9, 150]) check(records, { maxRecords });
  });

  test('control batches advance the offset but print nothing', () => {
    check(log(MIXED, 0, [1]));
    check(log(MIXED, 0, [0, 2]), { fetchOffset: 3 });
  });

  // Both loops: whole batches, and the general one (a --until time far ahead makes it read
  // every record's timestamp).
  const bothPaths: PackLimits[] = [
    { fetchOffset: 0, stopOffset: Infinity, untilTimestamp: null, maxRecords: Infinity },
    { fetchOffset: 0, stopOffset: Infinity, untilTimestamp: Number.MAX_SAFE_INTEGER, maxRecords: Infinity },
  ];

  test('a record whose length runs past its batch is refused', () => {
    const records = log([[rec('one'), rec('two')]]);
    records[RECORDS_OFFSET] = 0x7e; // the first record's length: 63 bytes, far past the batch
    for (const limits of bothPaths) {
      assert.throws(() => packValues(Buffer.from(records), limits), CorruptBatchError);
      assert.throws(() => packValues(Buffer.from(records), limits, { bytes: 1, onChunk: () => {} }), CorruptBatchError);
    }
  });

  test('a value longer than its record is refused', () => {
    const records = log([[rec('one')]]);
    const valueLengthAt = RECORDS_OFFSET + 1 + 1 + 1 + 1 + 1; // length, attributes, timestamp, offset, key length (null)
    assert.equal(records[valueLengthAt], 6); // zigzag(3)
    records[valueLengthAt] = 40; // zigzag(20)
    for (const limits of bothPaths) {
      assert.throws(() => packValues(Buffer.from(records), limits), CorruptBatchError);
      assert.throws(() => packValues(Buffer.from(records), limits, { bytes: 1, onChunk: () => {} }), CorruptBatchError);
    }
  });

  test('whole batches and the general loop give the same output and progress', () => {
    const records = log(MIXED, 0, [1]);
    const limits: PackLimits = { fetchOffset: 0, stopOffset: Infinity, untilTimestamp: null, maxRecords: Infinity };
    const whole = Buffer.from(records);
    const general = Buffer.from(records);
    const a = packValues(whole, limits);
    const b = packValues(general, { ...limits, untilTimestamp: Number.MAX_SAFE_INTEGER });
    assert.deepEqual(a, b);
    assert.ok(whole.subarray(0, a.bytes).equals(general.subarray(0, b.bytes)));
  });

  test('a record count larger than the records in the batch is refused', () => {
    for (const at of ['last', 'first'] as const) {
      const records = log([[rec('one'), rec('two')], [rec('three')]]);
      const batchAt = at === 'first' ? 0 : batchSizeAt(records, 0);
      records.writeInt32BE(records.readInt32BE(batchAt + RECORD_COUNT_OFFSET) + 1, batchAt + RECORD_COUNT_OFFSET);
      assert.throws(() => packValues(Buffer.from(records), { fetchOffset: 0, stopOffset: Infinity, untilTimestamp: null, maxRecords: Infinity }), CorruptBatchError, at);
    }
  });

  test('a batch that runs past the fetched bytes is refused', () => {
    const records = log([[rec('one'), rec('two')]]);
    assert.throws(() => packValues(Buffer.from(records.subarray(0, records.length - 1)), { fetchOffset: 0, stopOffset: Infinity, untilTimestamp: null, maxRecords: Infinity }), CorruptBatchError);
  });

  test('cut into chunks of whole records: each cut gives the output end and the offset reached', () => {
    const records = log(MIXED);
    const limits: PackLimits = { fetchOffset: 0, stopOffset: Infinity, untilTimestamp: null, maxRecords: Infinity };
    const whole = Buffer.from(records);
    const all = packValues(whole, limits);
    for (const bytes of [1, 10, 100, 1000, 100_000]) {
      const copy = Buffer.from(records);
      const cuts: Array<{ end: number; nextOffset: number }> = [];
      const result = packValues(copy, limits, { bytes, onChunk: (end, nextOffset) => cuts.push({ end, nextOffset }) });
      assert.deepEqual(result, all);
      assert.ok(copy.subarray(0, result.bytes).equals(whole.subarray(0, all.bytes)));
      let start = 0;
      for (const cut of cuts) {
        assert.ok(cut.end - start >= bytes, `a chunk of ${cut.end - start} bytes is below ${bytes}`);
        const text = copy.toString('latin1', 0, cut.end);
        assert.equal(text[text.length - 1], '\n', 'a chunk ends at the end of a record');
        // Every record of MIXED prints one line, so the lines so far are the offset reached.
        assert.equal(text.split('\n').length - 1, cut.nextOffset);
        start = cut.end;
      }
      if (bytes === 1) assert.equal(cuts.length, all.records);
      if (bytes === 100_000) assert.equal(cuts.length, 0);
    }
  });

  test('a cut inside a batch with gaps (compaction) reports an offset its records reached, never past them', () => {
    const full = log([[rec('v0'), rec('v1'), rec('v2'), rec('v3'), rec('v4'), rec('v5')]], 10);
    const kept = new Set([10, 12, 13, 15]);
    const filtered = filterBatch(new RecordCursor(), full, 0, full.length, (cursor) => kept.has(cursor.offset));
    assert.equal(filtered.kept, 'some');
    const records = (filtered as { batch: Buffer }).batch;
    for (const limits of bothPaths) {
      const cuts: number[] = [];
      const copy = Buffer.from(records);
      const result = packValues(copy, { ...limits, fetchOffset: 10 }, { bytes: 1, onChunk: (_end, nextOffset) => cuts.push(nextOffset) });
      assert.equal(copy.toString('latin1', 0, result.bytes), 'v0\nv2\nv3\nv5\n');
      assert.equal(result.nextOffset, 16, 'the batch reports its last offset');
      const reached = [11, 13, 14, 16];
      assert.equal(cuts.length, reached.length);
      cuts.forEach((nextOffset, i) => {
        assert.ok(nextOffset <= reached[i]!, `cut ${i}: ${nextOffset} is past the records written (${reached[i]})`);
        // At least one offset further per record written (exact when the offsets have no gaps).
        assert.ok(nextOffset >= 10 + i + 1, `cut ${i}: ${nextOffset} does not move past the records before`);
      });
    }
  });

  test('batches written by a real client (librdkafka): the values of every uncompressed case', () => {
    let checked = 0;
    for (const c of loadBatchCases()) {
      if (c.compression !== 'none') continue;
      const batch = readBatchFixture(c.file);
      const want = c.batch.attributesDecoded.isControl ? '' : c.records.map((r) => (fixtureBytes(r.value)?.toString('latin1') ?? '') + '\n').join('');
      const limits: PackLimits = { fetchOffset: c.batch.baseOffset, stopOffset: Infinity, untilTimestamp: null, maxRecords: Infinity };
      const copy = Buffer.from(batch);
      const got = packValues(copy, limits);
      assert.equal(copy.toString('latin1', 0, got.bytes), want, c.file);
      assert.equal(got.nextOffset, c.batch.baseOffset + c.batch.lastOffsetDelta + 1, c.file);
      check(batch, { fetchOffset: c.batch.baseOffset });
      check(batch, { fetchOffset: c.batch.baseOffset, untilTimestamp: c.batch.maxTimestamp });
      checked++;
    }
    assert.ok(checked >= 10, `${checked} uncompressed cases`);
  });
});
