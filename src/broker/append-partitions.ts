// appendPartitions: the one way records enter the logs, below both front doors (the socket's
// Produce and the Kafka listener's). For each partition of one topic: framing, the idempotence
// check (producer-state.ts), the content checks, the append; all partitions of a request in one
// SQLite transaction; then fsync when the request or the policy asks for it, traffic counters,
// and the fetches parked on those partitions woken.
//
// An idempotent batch that is a retry of one already stored is not stored again: it is answered
// with the offsets it got the first time and error None, as Kafka answers. One that passed its
// sequence check and then fails (too large, corrupt, a write error) leaves its producer expecting
// that batch again, so no later batch of the producer lands in front of it.
//
// Synchronous, on the broker's event loop like every storage call.
import { ErrorCode } from '../common/error-codes.js';
import { SpoolError } from '../common/errors.js';
import type { TopicConfig } from '../common/topic-config.js';
import { readMaxTimestamp } from '../records/record-batch.js';
import type { Topic } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { checkContents, checkFraming } from './batch-validation.js';
import type { BrokerContext } from './broker-context.js';

export interface PartitionRecords {
  partition: number;
  /** One or more RecordBatch v2, baseOffset 0 (stamped in place on append); one if idempotent. */
  records: Buffer;
}

export interface PartitionAppendResult {
  partition: number;
  errorCode: ErrorCode;
  errorMessage: string | null;
  /** Offset of the first record; -1 on error. */
  baseOffset: number;
  /** -1 on error. */
  logStartOffset: number;
}

export interface AppendOptions {
  /** Acknowledge only after fsync, whatever the broker's policy. */
  durable: boolean;
}

export function appendPartitions(
  ctx: BrokerContext,
  topicName: string,
  partitions: readonly PartitionRecords[],
  options: AppendOptions,
): PartitionAppendResult[] {
  const topic = ctx.logs.topic(topicName);
  const appended: Array<[number, PartitionLog]> = [];
  // A loop and push, not partitions.map(): the array map() returns changes its elements kind once
  // the optimising compiler inlines map() here, and that sent every caller's optimised code that
  // reads the answers back to the interpreter (the Produce handler's, seconds after start).
  const results: PartitionAppendResult[] = [];
  ctx.logs.catalog.transaction(() => {
    for (const { partition, records } of partitions) results.push(appendOne(ctx, topic, topicName, partition, records, appended));
  });
  if (options.durable || ctx.config.fsync === 'always') {
    for (const [, log] of appended) {
      const startedMs = ctx.metrics === null ? 0 : performance.now();
      if (log.flush()) ctx.metrics?.fsync(performance.now() - startedMs);
    }
  }
  for (const [partition] of appended) ctx.parked.notify(topicName, partition);
  return results;
}

function appendOne(
  ctx: BrokerContext,
  topic: Topic | undefined,
  topicName: string,
  partition: number,
  records: Buffer,
  appended: Array<[number, PartitionLog]>,
): PartitionAppendResult {
  try {
    const { config, log } = partitionOf(topic, topicName, partition);
    const outcome = appendPartition(log, config, records, ctx.logs.now());
    if (outcome.stored) {
      ctx.stats.appended(topicName, partition, outcome.lastOffset - outcome.baseOffset + 1, records.length);
      appended.push([partition, log]);
    }
    return { partition, errorCode: ErrorCode.None, errorMessage: null, baseOffset: outcome.baseOffset, logStartOffset: log.logStartOffset };
  } catch (err) {
    if (!(err instanceof SpoolError)) throw err;
    return { partition, errorCode: err.code, errorMessage: err.message, baseOffset: -1, logStartOffset: -1 };
  }
}

function partitionOf(topic: Topic | undefined, topicName: string, partition: number): { config: TopicConfig; log: PartitionLog } {
  if (topic === undefined) throw new SpoolError(`topic "${topicName}" does not exist`, { code: ErrorCode.UnknownTopicOrPartition });
  const log = topic.partitions[partition];
  if (log === undefined) {
    throw new SpoolError(`topic "${topicName}" has no partition ${partition}`, { code: ErrorCode.UnknownTopicOrPartition });
  }
  return { config: topic.config, log };
}

interface AppendOutcome {
  /** False for a duplicate: the offsets are those of the copy already stored. */
  stored: boolean;
  baseOffset: number;
  lastOffset: number;
}

/** Check and append one partition's records; throws a SpoolError to refuse them. */
function appendPartition(log: PartitionLog, config: TopicConfig, records: Buffer, nowMs: number): AppendOutcome {
  const producer = checkFraming(records);
  if (producer === null) {
    checkContents(records, config);
    return { stored: true, ...log.append(records) };
  }
  const state = log.producerState();
  const verdict = state.check(producer);
  if (verdict.kind === 'duplicate') return { stored: false, baseOffset: verdict.batch.firstOffset, lastOffset: verdict.batch.lastOffset };
  if (verdict.kind === 'refused') throw new SpoolError(verdict.message, { code: verdict.code });
  try {
    checkContents(records, config);
    const { baseOffset, lastOffset } = log.append(records);
    state.recordAppend(producer, baseOffset, lastOffset, readMaxTimestamp(records, 0), nowMs);
    return { stored: true, baseOffset, lastOffset };
  } catch (err) {
    state.recordFailure(producer, nowMs);
    throw err;
  }
}
