// DeleteRecords: `spool topic trim`, raising log start offsets.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { parseDeleteRecordsRequest, type DeleteRecordsResponse } from '../../protocol/messages/delete-records.js';
import { jsonHandler } from './handler.js';

export const handleDeleteRecords = jsonHandler(parseDeleteRecordsRequest, (ctx, request): DeleteRecordsResponse => {
  const topic = ctx.logs.requireTopic(request.topic);
  const wanted = request.partitions ?? topic.partitions.map((_, i) => i);
  const logs = wanted.map((partition) => {
    const log = topic.partitions[partition];
    if (log === undefined) {
      throw new SpoolError(`topic "${topic.name}" has no partition ${partition}`, { code: ErrorCode.UnknownTopicOrPartition });
    }
    return [partition, log] as const;
  });
  const partitions = logs.map(([partition, log]) => {
    const before = log.logStartOffset;
    const target = request.offset ?? log.offsetForTimestamp(request.timestamp!) ?? log.nextOffset;
    const deletedSegments = log.advanceLogStart(target);
    return { partition, before, logStartOffset: log.logStartOffset, deletedSegments };
  });
  ctx.logger.info(`trimmed ${topic.name}: ${partitions.map((p) => `${p.partition}@${p.logStartOffset}`).join(' ')}`);
  return { partitions };
});
