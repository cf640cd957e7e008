// Record batches of an idempotent producer, built with the producer's own BatchBuilder: producer
// id, epoch and base sequence in the header, sealed under the CRC as a client sends them.
import { BatchBuilder } from '../../src/records/batch-builder.js';
import { NO_HEADERS } from '../../src/records/headers.js';
import { type BatchProducerFields, readBatchProducerFields } from '../../src/records/producer-sequence.js';
import { BASE_TIMESTAMP } from './storage-fixtures.js';

export interface IdempotentBatchOptions {
  /** Index of the first record, used in its value (`v<i>`). */
  first?: number;
  valueBytes?: number;
  timestamp?: number;
}

export function idempotentBatch(producerId: number, epoch: number, baseSequence: number, count: number, options: IdempotentBatchOptions = {}): Buffer {
  const builder = new BatchBuilder(1 << 16, undefined, { producerId, producerEpoch: epoch });
  const first = options.first ?? baseSequence;
  for (let i = first; i < first + count; i++) {
    const value = Buffer.from(`v${i}`.padEnd(options.valueBytes ?? 0, '.'));
    builder.append(options.timestamp ?? BASE_TIMESTAMP + i, null, value, 0, value.length, NO_HEADERS);
  }
  return builder.build(baseSequence)!;
}

/** Producer fields without building a batch: `count` records from `firstSeq`. */
export function fields(producerId: number, epoch: number, firstSeq: number, count: number): BatchProducerFields {
  return readBatchProducerFields(idempotentBatch(producerId, epoch, firstSeq, count, { first: 0 }), 0);
}
