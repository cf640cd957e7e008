// Produce: validate each partition's batches (framing, magic, CRC-32C, size), append them in one
// SQLite transaction for the whole request, fsync when the policy or the request asks for it, and
// wake the fetches parked on those partitions.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import type { TopicConfig } from '../../common/topic-config.js';
import { BATCH_HEADER_SIZE, CONTROL_MASK, ATTRIBUTES_OFFSET, LOG_OVERHEAD, batchDefect } from '../../records/record-batch.js';
import {
  decodeProduceRequest,
  encodeProduceResponse,
  type ProducePartitionResult,
} from '../../protocol/messages/produce.js';
import type { PartitionLog } from '../../storage/partition-log.js';
import type { Handler } from './handler.js';
import { checkCompactedKeys } from './compacted-keys.js';

export const handleProduce: Handler = (ctx, body) => {
  const request = decodeProduceRequest(body);
  const topic = ctx.logs.topic(request.topic);
  const appended: Array<[number, PartitionLog]> = [];
  const results: ProducePartitionResult[] = ctx.logs.catalog.transaction(() =>
    request.partitions.map(({ partition, records }) => {
      try {
        if (topic === undefined) throw new SpoolError(`topic "${request.topic}" does not exist`, { code: ErrorCode.UnknownTopicOrPartition });
        const log = topic.partitions[partition];
        if (log === undefined) {
          throw new SpoolError(`topic "${request.topic}" has no partition ${partition}`, { code: ErrorCode.UnknownTopicOrPartition });
        }
        validateBatches(records, topic.config);
        const { baseOffset, lastOffset } = log.append(records);
        ctx.stats.appended(request.topic, lastOffset - baseOffset + 1, records.length);
        appended.push([partition, log]);
        return { partition, errorCode: ErrorCode.None, errorMessage: null, baseOffset, logStartOffset: log.logStartOffset };
      } catch (err) {
        if (!(err instanceof SpoolError)) throw err;
        return { partition, errorCode: err.code, errorMessage: err.message, baseOffset: -1, logStartOffset: -1 };
      }
    }),
  );
  if (request.durable || ctx.config.fsync === 'always') for (const [, log] of appended) log.flush();
  for (const [partition] of appended) ctx.parked.notify(request.topic, partition);
  return encodeProduceResponse(results);
};

/** Throws a SpoolError (CorruptMessage, MessageTooLarge, InvalidRecord) for the first bad batch. */
function validateBatches(records: Buffer, config: TopicConfig): void {
  if (records.length === 0) throw new SpoolError('produce request carries no records', { code: ErrorCode.InvalidRecord });
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < BATCH_HEADER_SIZE) {
      throw new SpoolError(`record batch at byte ${pos} is truncated`, { code: ErrorCode.CorruptMessage });
    }
    const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
    if (size < BATCH_HEADER_SIZE || pos + size > records.length) {
      throw new SpoolError(`record batch at byte ${pos} has an impossible length`, { code: ErrorCode.CorruptMessage });
    }
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
