// The checks a partition's records pass before they are appended, in two steps so that the
// idempotence check can sit between them (append-partitions.ts): first the framing, which must
// hold before any header field can be read; then the contents (CRC-32C, size, control bit, keys
// of a compacted topic), which fail a batch whose sequence was already checked and so count as
// a failed append of it.
import { ErrorCode } from '../common/error-codes.js';
import { SpoolError } from '../common/errors.js';
import type { TopicConfig } from '../common/topic-config.js';
import { readBatchProducerFields, type BatchProducerFields } from '../records/producer-sequence.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  CONTROL_MASK,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_OFFSET,
  PRODUCER_ID_OFFSET,
  batchDefect,
} from '../records/record-batch.js';
import { checkCompactedKeys } from './compacted-keys.js';

/**
 * Checks that `records` is whole RecordBatch v2 batches back to back and returns the producer
 * fields of its batch when that batch is idempotent (producerId >= 0), else null. An idempotent
 * batch travels alone, as Kafka requires of every Produce since version 3. Throws a SpoolError
 * (CorruptMessage, InvalidRecord).
 */
export function checkFraming(records: Buffer): BatchProducerFields | null {
  if (records.length === 0) throw new SpoolError('produce request carries no records', { code: ErrorCode.InvalidRecord });
  let pos = 0;
  let batches = 0;
  let idempotent = false;
  while (pos < records.length) {
    if (records.length - pos < BATCH_HEADER_SIZE) {
      throw new SpoolError(`record batch at byte ${pos} is truncated`, { code: ErrorCode.CorruptMessage });
    }
    const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
    if (size < BATCH_HEADER_SIZE || pos + size > records.length) {
      throw new SpoolError(`record batch at byte ${pos} has an impossible length`, { code: ErrorCode.CorruptMessage });
    }
    const magic = records.readInt8(pos + MAGIC_OFFSET);
    if (magic !== MAGIC) {
      throw new SpoolError(`record batch at byte ${pos} is corrupt: magic byte is ${magic}, only RecordBatch v2 (magic 2) is supported`, {
        code: ErrorCode.CorruptMessage,
      });
    }
    if (records.readInt32BE(pos + PRODUCER_ID_OFFSET) >= 0) idempotent = true;
    batches++;
    pos += size;
  }
  if (!idempotent) return null;
  if (batches > 1) {
    throw new SpoolError(`an idempotent produce carries one record batch per partition, not ${batches}`, { code: ErrorCode.InvalidRecord });
  }
  const fields = readBatchProducerFields(records, 0);
  if (fields.producerEpoch < 0 || fields.firstSeq < 0) {
    throw new SpoolError(
      `producer ${fields.producerId} sent epoch ${fields.producerEpoch} and base sequence ${fields.firstSeq}; neither may be negative`,
      { code: ErrorCode.InvalidRecord },
    );
  }
  return fields;
}

/** Throws a SpoolError (CorruptMessage, MessageTooLarge, InvalidRecord) for the first bad batch. */
export function checkContents(records: Buffer, config: TopicConfig): void {
  let pos = 0;
  while (pos < records.length) {
    const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
    if (size > config.maxMessageBytes) {
      throw new SpoolError(`record batch of ${size} bytes is over max.message.bytes ${config.maxMessageBytes}`, {
        code: ErrorCode.MessageTooLarge,
      });
    }
    const defect = batchDefect(records, pos, size);
    if (defect !== null) throw new SpoolError(`record batch at byte ${pos} is corrupt: ${defect}`, { code: ErrorCode.CorruptMessage });
    if ((records.readInt16BE(pos + ATTRIBUTES_OFFSET) & CONTROL_MASK) !== 0) {
      throw new SpoolError('control batches cannot be produced', { code: ErrorCode.InvalidRecord });
    }
    if (config.cleanupPolicy !== 'delete') checkCompactedKeys(records, pos, size);
    pos += size;
  }
}
