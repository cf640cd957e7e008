// The Kafka target's re-encoding: batches the client library decoded become RecordBatch v2 bytes
// that spool's own record cursor reads back field for field (nulls apart from empties, repeated
// header keys, offset and timestamp deltas, control batches), with a valid CRC.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeBatches, type DecodedBatch } from '../../../src/client/target/kafka/record-batches.js';
import { decodeHeaders } from '../../../src/client/target/kafka/kafka-producer.js';
import { encodeHeaders } from '../../../src/records/headers.js';
import { batchDefect, batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../../../src/records/record-batch.js';
import { RecordCursor, decodeRecords } from '../../../src/records/record-cursor.js';

const batch = (firstOffset: bigint, attributes = 0): DecodedBatch => ({
  firstOffset,
  partitionLeaderEpoch: 0,
  attributes,
  lastOffsetDelta: 3,
  firstTimestamp: 1_700_000_000_000n,
  maxTimestamp: 1_700_000_000_900n,
  producerId: 7n,
  producerEpoch: 1,
  firstSequence: 12,
  records: [
    { attributes: 0, timestampDelta: 0n, offsetDelta: 0, key: Buffer.from('k'), value: Buffer.from('v\u00e9'), headers: [[Buffer.from('h'), Buffer.from('1')], [Buffer.from('h'), null]] },
    { attributes: 0, timestampDelta: 900n, offsetDelta: 1, key: null, value: Buffer.alloc(0), headers: [] },
    // A gap (compaction): offset delta 3 follows 1.
    { attributes: 0, timestampDelta: 5n, offsetDelta: 3, key: Buffer.alloc(0), value: null, headers: [] },
  ],
});

describe('client > kafka target > record batches', () => {
  test('decoded batches encode back into valid RecordBatch v2 that the cursor reads field for field', () => {
    const bytes = encodeBatches([batch(100n), batch(104n, 0x04 /* lz4: dropped, the bytes are plain now */)]);
    let pos = 0;
    const bases: number[] = [];
    while (pos < bytes.length) {
      const size = batchSizeAt(bytes, pos);
      assert.equal(batchDefect(bytes, pos, size), null, 'length, magic and CRC hold');
      bases.push(readBaseOffset(bytes, pos));
      assert.equal(readLastOffsetDelta(bytes, pos), 3);
      pos += size;
    }
    assert.deepEqual(bases, [100, 104]);
    const records = decodeRecords(bytes, 0);
    assert.deepEqual(
      records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null, r.headers.map((h) => [h.key, h.value?.toString() ?? null])]),
      [
        [100, 1_700_000_000_000, 'k', 'v\u00e9', [['h', '1'], ['h', null]]],
        [101, 1_700_000_000_900, null, '', []],
        [103, 1_700_000_000_005, '', null, []],
      ],
    );
  });

  test('a control batch stays a control batch', () => {
    const bytes = encodeBatches([batch(0n, 0x20)]);
    const cursor = new RecordCursor();
    cursor.open(bytes, 0, batchSizeAt(bytes, 0));
    assert.equal(cursor.isControl, true);
  });

  test('no batches, no bytes', () => {
    assert.equal(encodeBatches([]).length, 0);
  });

  test('headers encoded for a record come back for the library in order, repeated keys and null values kept', () => {
    const decoded = decodeHeaders(encodeHeaders([{ key: 'a', value: Buffer.from('1') }, { key: 'a', value: null }, { key: 'long'.repeat(40), value: Buffer.alloc(300, 1) }]));
    assert.deepEqual([...decoded].map(([k, v]) => [k.toString(), v === null ? null : v.length]), [['a', 1], ['a', null], ['long'.repeat(40), 300]]);
    assert.equal(decodeHeaders(encodeHeaders([])).size, 0);
  });
});
