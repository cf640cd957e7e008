// DeleteRecords: raise a partition's log start offset, as `spool topic trim --before N` does;
// offset -1 means the high watermark. An offset beyond it is OFFSET_OUT_OF_RANGE; one below the
// current start changes nothing.
import { ErrorCode } from '../../common/error-codes.js';
import { kafkaApi } from '../kafka-handler.js';
import { DELETE_RECORDS, type DeleteRecordsRequest, type DeleteRecordsResponse } from '../protocol/apis/delete-records.js';

const HIGH_WATERMARK = -1;

export const deleteRecordsApi = kafkaApi<DeleteRecordsRequest, DeleteRecordsResponse>(DELETE_RECORDS, (ctx, request) => ({
  throttleTimeMs: 0,
  topics: request.topics.map((t) => {
    const topic = ctx.broker.logs.topic(t.name);
    const partitions = t.partitions.map((p) => {
      const log = topic?.partitions[p.partitionIndex];
      if (log === undefined) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.UnknownTopicOrPartition };
      const target = p.offset === HIGH_WATERMARK ? log.nextOffset : p.offset;
      if (target < 0 || target > log.nextOffset) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.OffsetOutOfRange };
      log.advanceLogStart(target);
      return { partitionIndex: p.partitionIndex, lowWatermark: log.logStartOffset, errorCode: ErrorCode.None };
    });
    if (topic !== undefined) ctx.broker.logger.info(`trimmed ${t.name} for a Kafka client: ${partitions.map((p) => `${p.partitionIndex}@${p.lowWatermark}`).join(' ')}`);
    return { name: t.name, partitions };
  }),
}));
