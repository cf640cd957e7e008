// OffsetForLeaderEpoch: consumers ask it to check their position after a leader change (KIP-320).
// spool's partitions have had one leader, node 0, in one epoch, 0, since they were made: epoch 0
// (or an earlier one a client may name) ends at the log end offset; a later epoch is unknown.
import { ErrorCode } from '../../common/error-codes.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  OFFSET_FOR_LEADER_EPOCH,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../protocol/apis/offset-for-leader-epoch.js';

const LEADER_EPOCH = 0;

export const offsetForLeaderEpochApi = kafkaApi<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(OFFSET_FOR_LEADER_EPOCH, (ctx, request) => ({
  throttleTimeMs: 0,
  topics: request.topics.map((t) => {
    const topic = ctx.broker.logs.topic(t.topic);
    return {
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const log = topic?.partitions[p.partition];
        const of = (errorCode: number, leaderEpoch: number, endOffset: number) => ({ errorCode, partition: p.partition, leaderEpoch, endOffset });
        if (log === undefined) return of(ErrorCode.UnknownTopicOrPartition, -1, -1);
        if (p.currentLeaderEpoch > LEADER_EPOCH) return of(ErrorCode.UnknownLeaderEpoch, -1, -1);
        if (p.leaderEpoch > LEADER_EPOCH) return of(ErrorCode.None, -1, -1);
        return of(ErrorCode.None, LEADER_EPOCH, log.nextOffset);
      }),
    };
  }),
}));
