// The idempotent-producer fields of a batch header: Kafka's sequence arithmetic (wrapping at
// 2^31-1), and BatchBuilder writing producer id, epoch and base sequence under the CRC.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuilder } from '../../../src/records/batch-builder.js';
import { NO_HEADERS } from '../../../src/records/headers.js';
import { MAX_SEQUENCE, NO_PRODUCER_ID, incrementSequence, readBatchProducerFields } from '../../../src/records/producer-sequence.js';
import { batchDefect, readBatchHeader } from '../../../src/records/record-batch.js';

function build(builder: BatchBuilder, count: number, baseSequence?: number): Buffer {
  for (let i = 0; i < count; i++) builder.append(1000 + i, null, Buffer.from(`v${i}`), 0, 2, NO_HEADERS);
  return builder.build(baseSequence)!;
}

describe('records > producer sequences', () => {
  test('sequences count on and wrap from 2^31-1 to 0', () => {
    assert.equal(incrementSequence(0, 1), 1);
    assert.equal(incrementSequence(41, 9), 50);
    assert.equal(incrementSequence(MAX_SEQUENCE, 1), 0);
    assert.equal(incrementSequence(MAX_SEQUENCE - 2, 5), 2);
    assert.equal(incrementSequence(MAX_SEQUENCE, 0), MAX_SEQUENCE);
  });

  test('a builder for a producer writes its id, epoch and the base sequence, sealed under the CRC', () => {
    const builder = new BatchBuilder(4096, undefined, { producerId: 2 ** 40 + 5, producerEpoch: 7 });
    const batch = build(builder, 3, 120);
    assert.equal(batchDefect(batch, 0, batch.length), null, 'the CRC covers the producer fields');
    const header = readBatchHeader(batch);
    assert.deepEqual([header.producerId, header.producerEpoch, header.baseSequence], [2 ** 40 + 5, 7, 120]);
    assert.deepEqual(readBatchProducerFields(batch), { producerId: 2 ** 40 + 5, producerEpoch: 7, firstSeq: 120, lastSeq: 122, lastOffsetDelta: 2 });
    const next = build(builder, 1, 123);
    assert.equal(readBatchHeader(next).baseSequence, 123, 'the builder is reused with the next sequence');
  });

  test('without a producer a batch carries -1 everywhere, as a plain Kafka batch', () => {
    const batch = build(new BatchBuilder(4096), 2);
    const header = readBatchHeader(batch);
    assert.deepEqual([header.producerId, header.producerEpoch, header.baseSequence], [-1, -1, -1]);
    assert.equal(readBatchProducerFields(batch).producerId, NO_PRODUCER_ID);
  });
});
