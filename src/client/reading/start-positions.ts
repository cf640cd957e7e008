// Where each partition starts and stops, from --from/-o, --until, -e and -p, resolved against the
// broker's log start and end offsets (one ListOffsets per topic; @TIME is a time-index lookup).
import type { TargetAdmin } from '../target/target.js';
import type { PartitionPosition } from '../consumer.js';
import { ErrorCode } from '../../common/error-codes.js';
import { BrokerError, SpoolError, UsageError } from '../../common/errors.js';
import type { TopicMetadata } from '../../protocol/messages/metadata.js';
import type { OffsetSpec } from '../../common/offset-spec.js';

export interface PositionOptions {
  from: OffsetSpec;
  until: OffsetSpec | null;
  exitAtEnd: boolean;
  partitions: number[] | null;
}

export async function resolveTopics(admin: TargetAdmin, names: readonly string[]): Promise<TopicMetadata[]> {
  const metadata = await admin.metadata({ topics: [...names] });
  return names.map((name) => {
    const topic = metadata.topics.find((t) => t.name === name);
    if (topic === undefined) {
      throw new BrokerError(ErrorCode.UnknownTopicOrPartition, `topic "${name}" does not exist (spool topic list shows the topics)`);
    }
    return topic;
  });
}

export async function startPositions(admin: TargetAdmin, topics: readonly TopicMetadata[], options: PositionOptions): Promise<PartitionPosition[]> {
  const positions: PartitionPosition[] = [];
  for (const topic of topics) {
    const partitions = options.partitions ?? [...Array(topic.partitions).keys()];
    for (const p of partitions) {
      if (p >= topic.partitions) {
        throw new SpoolError(`topic "${topic.name}" has ${topic.partitions} partition(s); partition ${p} does not exist`);
      }
    }
    const from = options.from;
    const offsets = await admin.listOffsets({
      topic: topic.name,
      partitions,
      ...(from.kind === 'timestamp' ? { timestamp: from.timestampMs } : {}),
    });
    for (const o of offsets) {
      const start = startOffset(from, o.logStartOffset, o.logEndOffset, o.offset);
      let stop: number | undefined = options.exitAtEnd ? o.logEndOffset : undefined;
      if (options.until?.kind === 'absolute') stop = Math.min(stop ?? Number.MAX_SAFE_INTEGER, options.until.offset);
      positions.push({ topic: topic.name, partition: o.partition, offset: start, ...(stop === undefined ? {} : { stopOffset: stop }) });
    }
  }
  return positions;
}

function startOffset(from: OffsetSpec, logStart: number, logEnd: number, atTime: number | undefined): number {
  switch (from.kind) {
    case 'beginning':
      return logStart;
    case 'end':
      return logEnd;
    case 'absolute':
      // Below the log start it stays as asked: the first fetch finds it gone, and the consumer
      // moves to the log start and says so (once), as for a position retention takes later.
      return Math.min(from.offset, logEnd);
    case 'fromEnd':
      return Math.max(logStart, logEnd - from.count);
    case 'timestamp':
      return atTime ?? logEnd;
    case 'stored':
      throw new UsageError('--from stored needs --group');
  }
}
