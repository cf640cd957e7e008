// ListOffsets: log start and end per partition, and the first offset at or after a timestamp
// (one time-index lookup and a short scan per partition).
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { parseListOffsetsRequest, type ListOffsetsResponse } from '../../protocol/messages/list-offsets.js';
import { jsonHandler } from './handler.js';

export const handleListOffsets = jsonHandler(parseListOffsetsRequest, (ctx, request): ListOffsetsResponse => {
  const topic = ctx.logs.requireTopic(request.topic);
  const wanted = request.partitions ?? topic.partitions.map((_, i) => i);
  return {
    partitions: wanted.map((partition) => {
      const log = topic.partitions[partition];
      if (log === undefined) {
        throw new SpoolError(`topic "${topic.name}" has no partition ${partition}`, { code: ErrorCode.UnknownTopicOrPartition });
      }
      const entry = { partition, logStartOffset: log.logStartOffset, logEndOffset: log.nextOffset };
      if (request.timestamp === undefined) return entry;
      return { ...entry, offset: log.offsetForTimestamp(request.timestamp) ?? log.nextOffset };
    }),
  };
});
