// ListOffsets: a partition's earliest and latest offsets, the first offset at or after a
// timestamp (with that record's timestamp), and the offset of the largest timestamp — from the
// same time index and scan as `spool topic offsets --at`. There is one leader epoch, 0, and no
// tiered storage: "earliest local" is the earliest, and the tiered-storage queries find nothing.
import { ErrorCode } from '../../common/error-codes.js';
import type { PartitionLog } from '../../storage/partition-log.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  LIST_OFFSETS,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsPartitionResponse,
} from '../protocol/apis/list-offsets.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;

export const listOffsetsApi = kafkaApi<ListOffsetsRequest, ListOffsetsResponse>(LIST_OFFSETS, (ctx, request) => ({
  throttleTimeMs: 0,
  topics: request.topics.map((t) => {
    const topic = ctx.broker.logs.topic(t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
        const log = topic?.partitions[p.partitionIndex];
        if (log === undefined) return answer(p.partitionIndex, ErrorCode.UnknownTopicOrPartition, -1, -1);
        if (p.currentLeaderEpoch > 0) return answer(p.partitionIndex, ErrorCode.UnknownLeaderEpoch, -1, -1);
        return lookUp(p.partitionIndex, log, p.timestamp);
      }),
    };
  }),
}));

function lookUp(partition: number, log: PartitionLog, timestamp: number): ListOffsetsPartitionResponse {
  switch (timestamp) {
    case LATEST:
      return answer(partition, ErrorCode.None, log.nextOffset, -1);
    case EARLIEST:
    case EARLIEST_LOCAL:
      return answer(partition, ErrorCode.None, log.logStartOffset, -1);
    case MAX_TIMESTAMP: {
      const found = log.maxTimestamp < 0 ? null : log.recordForTimestamp(log.maxTimestamp);
      return found === null ? answer(partition, ErrorCode.None, -1, -1) : answer(partition, ErrorCode.None, found.offset, found.timestamp);
    }
    default: {
      if (timestamp < 0) return answer(partition, ErrorCode.None, -1, -1);
      const found = log.recordForTimestamp(timestamp);
      return found === null ? answer(partition, ErrorCode.None, -1, -1) : answer(partition, ErrorCode.None, found.offset, found.timestamp);
    }
  }
}

function answer(partitionIndex: number, errorCode: number, offset: number, timestamp: number): ListOffsetsPartitionResponse {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp, offset, leaderEpoch: offset < 0 ? -1 : 0 };
}
