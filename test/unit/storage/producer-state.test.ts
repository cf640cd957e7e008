// The idempotence rules of one partition (ProducerStateTable), as Kafka's ProducerStateManager
// applies them, plus spool's failed-batch rule; and the same checks on two batches a real
// idempotent librdkafka producer sent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { MAX_SEQUENCE, incrementSequence, readBatchProducerFields } from '../../../src/records/producer-sequence.js';
import { ProducerStateTable, type SequenceVerdict } from '../../../src/storage/producer-state.js';
import { fields } from '../../helpers/idempotent-batches.js';
import { SHARED_FIXTURES_DIR } from '../../helpers/spool-cli.js';

const PID = 4242;
const NOW = 1_800_000_000_000;

/** A table that holds `batches` stored batches of `count` records each for PID, epoch 0, from offset 0. */
function tableWith(batches: number, count = 10): ProducerStateTable {
  const table = new ProducerStateTable();
  for (let i = 0; i < batches; i++) {
    table.recordAppend(fields(PID, 0, i * count, count), i * count, i * count + count - 1, NOW + i, NOW);
  }
  return table;
}

function assertRefused(verdict: SequenceVerdict, code: ErrorCode, message: RegExp): void {
  assert.equal(verdict.kind, 'refused', JSON.stringify(verdict));
  if (verdict.kind !== 'refused') return;
  assert.equal(verdict.code, code);
  assert.match(verdict.message, message);
}

describe('storage > ProducerStateTable > sequences', () => {
  test('the next batch in sequence is appended', () => {
    assert.deepEqual(tableWith(3).check(fields(PID, 0, 30, 10)), { kind: 'append' });
  });

  test('a retry of any of the last five batches is a duplicate with its original offsets', () => {
    const table = tableWith(7);
    for (let i = 2; i < 7; i++) {
      const verdict = table.check(fields(PID, 0, i * 10, 10));
      assert.equal(verdict.kind, 'duplicate', `batch ${i}`);
      if (verdict.kind === 'duplicate') {
        assert.deepEqual(verdict.batch, { firstSeq: i * 10, lastSeq: i * 10 + 9, firstOffset: i * 10, lastOffset: i * 10 + 9, maxTimestamp: NOW + i });
      }
    }
  });

  test('a retry older than the last five is out of order, as in Kafka', () => {
    const table = tableWith(7);
    assertRefused(table.check(fields(PID, 0, 10, 10)), ErrorCode.OutOfOrderSequenceNumber, /sent sequence 10, expected 70/);
  });

  test('a batch with the same first sequence but another length is no duplicate', () => {
    assertRefused(tableWith(3).check(fields(PID, 0, 20, 5)), ErrorCode.OutOfOrderSequenceNumber, /expected 30/);
  });

  test('a gap is refused as out of order, and so is a sequence from the past', () => {
    const table = tableWith(3);
    assertRefused(table.check(fields(PID, 0, 31, 10)), ErrorCode.OutOfOrderSequenceNumber, /sent sequence 31, expected 30/);
    assertRefused(table.check(fields(PID, 0, 5, 10)), ErrorCode.OutOfOrderSequenceNumber, /sent sequence 5, expected 30/);
  });

  test('an epoch below the known one is fenced', () => {
    const table = tableWith(1);
    table.recordAppend(fields(PID, 3, 0, 10), 10, 19, NOW, NOW);
    assertRefused(table.check(fields(PID, 2, 10, 10)), ErrorCode.InvalidProducerEpoch, /epoch 2, older than its current epoch 3/);
    // Even a batch that was a duplicate under the old epoch.
    assertRefused(table.check(fields(PID, 0, 0, 10)), ErrorCode.InvalidProducerEpoch, /epoch 0/);
  });

  test('a new epoch must start at sequence 0, and then forgets the old epoch\'s batches', () => {
    const table = tableWith(3);
    assertRefused(table.check(fields(PID, 1, 30, 10)), ErrorCode.OutOfOrderSequenceNumber, /new epoch 1 at sequence 30, not 0/);
    assert.deepEqual(table.check(fields(PID, 1, 0, 10)), { kind: 'append' });
    table.recordAppend(fields(PID, 1, 0, 10), 30, 39, NOW, NOW);
    assert.equal(table.entry(PID)?.epoch, 1);
    assert.deepEqual(table.entry(PID)?.batches.map((b) => b.firstOffset), [30]);
    assert.deepEqual(table.check(fields(PID, 1, 10, 4)), { kind: 'append' });
  });

  test('sequences wrap from 2^31-1 to 0', () => {
    assert.equal(incrementSequence(MAX_SEQUENCE, 1), 0);
    assert.equal(incrementSequence(MAX_SEQUENCE - 1, 3), 1);
    const table = new ProducerStateTable();
    table.recordAppend(fields(PID, 0, MAX_SEQUENCE - 9, 10), 0, 9, NOW, NOW);
    assert.equal(table.entry(PID)?.nextSeq, 0);
    assert.deepEqual(table.check(fields(PID, 0, 0, 5)), { kind: 'append' });
    assertRefused(table.check(fields(PID, 0, MAX_SEQUENCE, 1)), ErrorCode.OutOfOrderSequenceNumber, /expected 0/);
    // A batch that spans the wrap: its last sequence is past 0.
    const spanning = fields(PID, 0, MAX_SEQUENCE - 1, 4);
    assert.equal(spanning.lastSeq, 1);
    const other = new ProducerStateTable();
    other.recordAppend(spanning, 0, 3, NOW, NOW);
    assert.deepEqual(other.check(fields(PID, 0, 2, 1)), { kind: 'append' });
    assert.equal(other.check(fields(PID, 0, MAX_SEQUENCE - 1, 4)).kind, 'duplicate');
  });

  test('a producer the partition does not know is accepted at any sequence, as Kafka does', () => {
    const table = tableWith(2);
    assert.deepEqual(table.check(fields(PID + 1, 0, 0, 10)), { kind: 'append' });
    assert.deepEqual(table.check(fields(PID + 1, 5, 1234, 10)), { kind: 'append' });
  });
});

describe('storage > ProducerStateTable > a failed batch', () => {
  test('after a failed batch its producer is refused every later batch until that one comes again', () => {
    const table = tableWith(2);
    const failed = fields(PID, 0, 20, 10);
    assert.deepEqual(table.check(failed), { kind: 'append' });
    table.recordFailure(failed, NOW);
    assertRefused(table.check(fields(PID, 0, 30, 10)), ErrorCode.OutOfOrderSequenceNumber, /sent sequence 30, expected 20/);
    assertRefused(table.check(fields(PID, 0, 40, 3)), ErrorCode.OutOfOrderSequenceNumber, /expected 20/);
    assert.deepEqual(table.check(failed), { kind: 'append' });
    table.recordAppend(failed, 20, 29, NOW, NOW);
    assert.deepEqual(table.check(fields(PID, 0, 30, 10)), { kind: 'append' });
  });

  test('the rule holds for a producer whose first batch failed', () => {
    const table = new ProducerStateTable();
    const failed = fields(PID, 0, 500, 10);
    table.recordFailure(failed, NOW);
    assertRefused(table.check(fields(PID, 0, 510, 10)), ErrorCode.OutOfOrderSequenceNumber, /expected 500/);
    assert.deepEqual(table.check(failed), { kind: 'append' });
  });

  test('a failed first batch of a new epoch moves the producer to that epoch', () => {
    const table = tableWith(2);
    table.recordFailure(fields(PID, 1, 0, 10), NOW);
    assertRefused(table.check(fields(PID, 0, 20, 10)), ErrorCode.InvalidProducerEpoch, /older than its current epoch 1/);
    assertRefused(table.check(fields(PID, 1, 10, 10)), ErrorCode.OutOfOrderSequenceNumber, /expected 0/);
    assert.deepEqual(table.check(fields(PID, 1, 0, 10)), { kind: 'append' });
  });
});

describe('storage > ProducerStateTable > memory', () => {
  test('a producer idle past the expiration is forgotten, and then accepted as unknown', () => {
    const table = new ProducerStateTable({ expirationMs: 1000 });
    table.recordAppend(fields(PID, 0, 0, 10), 0, 9, NOW, NOW);
    table.recordAppend(fields(PID + 1, 0, 0, 10), 10, 19, NOW, NOW + 500);
    table.evict(NOW + 1000);
    assert.equal(table.entry(PID), undefined);
    assert.notEqual(table.entry(PID + 1), undefined);
    assert.deepEqual(table.check(fields(PID, 0, 77, 1)), { kind: 'append' });
  });

  test('past the cap the least recently active producer goes first', () => {
    const table = new ProducerStateTable({ maxProducers: 3 });
    for (let p = 0; p < 3; p++) table.recordAppend(fields(p, 0, 0, 1), p, p, NOW, NOW);
    table.recordAppend(fields(0, 0, 1, 1), 3, 3, NOW, NOW); // producer 0 is active again
    table.recordAppend(fields(9, 0, 0, 1), 4, 4, NOW, NOW);
    assert.equal(table.size, 3);
    assert.equal(table.entry(1), undefined, 'the least recently active');
    assert.deepEqual([...table.entries()].map((e) => e.producerId), [2, 0, 9]);
  });

  test('the most recently active producer stays last while it keeps appending, and the order holds after it', () => {
    const table = new ProducerStateTable({ maxProducers: 3 });
    for (let p = 0; p < 3; p++) table.recordAppend(fields(p, 0, 0, 1), p, p, NOW, NOW);
    for (let seq = 1; seq < 4; seq++) table.recordAppend(fields(2, 0, seq, 1), 2 + seq, 2 + seq, NOW, NOW);
    assert.deepEqual([...table.entries()].map((e) => e.producerId), [0, 1, 2]);
    table.recordAppend(fields(0, 0, 1, 1), 9, 9, NOW, NOW);
    table.recordAppend(fields(2, 0, 4, 1), 10, 10, NOW, NOW);
    assert.deepEqual([...table.entries()].map((e) => e.producerId), [1, 0, 2]);
    table.recordAppend(fields(5, 0, 0, 1), 11, 11, NOW, NOW);
    assert.deepEqual([...table.entries()].map((e) => e.producerId), [0, 2, 5]);
    assert.equal(table.entry(2)?.nextSeq, 5);
  });

  test('five batches are remembered per producer', () => {
    assert.deepEqual(tableWith(9).entry(PID)?.batches.map((b) => b.firstSeq), [40, 50, 60, 70, 80]);
  });
});

describe('storage > ProducerStateTable > batches of a real idempotent client (librdkafka)', () => {
  const first = readFileSync(join(SHARED_FIXTURES_DIR, 'kafka-record-batches', '11-idempotent-first.bin'));
  const second = readFileSync(join(SHARED_FIXTURES_DIR, 'kafka-record-batches', '12-idempotent-second.bin'));

  test('their headers carry producer 601301000, epoch 0, sequences 0-2 then 3-4', () => {
    assert.deepEqual(readBatchProducerFields(first), { producerId: 601301000, producerEpoch: 0, firstSeq: 0, lastSeq: 2, lastOffsetDelta: 2 });
    assert.deepEqual(readBatchProducerFields(second), { producerId: 601301000, producerEpoch: 0, firstSeq: 3, lastSeq: 4, lastOffsetDelta: 1 });
  });

  test('in order they are appended, sent again they are duplicates, out of order the second is refused', () => {
    const table = new ProducerStateTable();
    const a = readBatchProducerFields(first);
    const b = readBatchProducerFields(second);
    assert.deepEqual(table.check(a), { kind: 'append' });
    table.recordAppend(a, 100, 102, 1, NOW);
    assert.deepEqual(table.check(b), { kind: 'append' });
    table.recordAppend(b, 103, 104, 2, NOW);
    const again = table.check(a);
    assert.equal(again.kind, 'duplicate');
    if (again.kind === 'duplicate') assert.equal(again.batch.firstOffset, 100);
    const againSecond = table.check(b);
    assert.equal(againSecond.kind, 'duplicate');
    if (againSecond.kind === 'duplicate') assert.equal(againSecond.batch.firstOffset, 103);

    const fresh = new ProducerStateTable();
    fresh.recordAppend(a, 0, 2, 1, NOW);
    assertRefused(fresh.check({ ...b, firstSeq: 4, lastSeq: 5 }), ErrorCode.OutOfOrderSequenceNumber, /sent sequence 4, expected 3/);
  });
});
