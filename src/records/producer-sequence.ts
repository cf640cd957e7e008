// The idempotent-producer fields of a RecordBatch v2 header (producerId, producerEpoch,
// baseSequence) and Kafka's sequence arithmetic: a sequence is an int32 that counts records per
// producer and partition and wraps from 2^31-1 back to 0, so a batch's last sequence is its base
// sequence plus lastOffsetDelta, modulo 2^31.
import { BASE_SEQUENCE_OFFSET, LAST_OFFSET_DELTA_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET } from './record-batch.js';
import { readInt64 } from './int64.js';

/** producerId of a batch written without idempotence (no checks apply to it). */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
/** The largest producer epoch (int16); a producer at it needs a new producer id to go on. */
export const MAX_PRODUCER_EPOCH = 0x7fff;
export const MAX_SEQUENCE = 0x7fffffff;

/** `sequence` advanced by `increment` records, wrapping past 2^31-1 to 0 as Kafka does. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > MAX_SEQUENCE - increment ? increment - (MAX_SEQUENCE - sequence) - 1 : sequence + increment;
}

/** The producer fields of the batch at `pos`, with its first and last sequence. */
export interface BatchProducerFields {
  producerId: number;
  producerEpoch: number;
  firstSeq: number;
  lastSeq: number;
  lastOffsetDelta: number;
}

/** Reads the fields behind every idempotence check; producerId is -1 for a plain batch. */
export function readBatchProducerFields(buf: Buffer, pos = 0): BatchProducerFields {
  const firstSeq = buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET);
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
  return {
    producerId: buf.readInt32BE(pos + PRODUCER_ID_OFFSET) < 0 ? NO_PRODUCER_ID : readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    firstSeq,
    lastSeq: incrementSequence(firstSeq, Math.max(lastOffsetDelta, 0)),
    lastOffsetDelta,
  };
}
