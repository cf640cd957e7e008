// DescribeTopics: configs and per-partition state of topics (topic list and describe).
//
//   DescribeTopics Request  => { names?: [string] }     all topics when absent
//   DescribeTopics Response => { topics: [TopicDescription] }
//     TopicDescription => { name, traffic: {messagesIn, bytesIn, messagesOut, bytesOut}, configs,
//                           defaults, partitions: [{partition, logStartOffset, logEndOffset,
//                           segments, bytes, firstTimestamp, lastTimestamp, retention}] }
//     retention => { heldBy: "time", expiresMs } | { heldBy: "size" }
//                | { heldBy: "group", group, committedOffset, segmentEndOffset }
//                | { heldBy: "active-segment" } | { heldBy: "compact" } | { heldBy: null }
//                | { heldBy: "unknown" }
import { asObject, stringArrayField } from '../validate.js';

/**
 * What keeps the partition's oldest segment from retention (broker/retention-holds.ts):
 * - time: its newest record is younger than retention.ms (expiresMs: when it no longer is; null
 *   when retention.ms is -1);
 * - size: the partition is within retention.bytes (and retention.ms is -1);
 * - group: it is due, but `group` has committed only up to `committedOffset` (null: nothing) and
 *   the segment holds records up to `segmentEndOffset` (exclusive);
 * - active-segment: there is no closed segment (the active one is never deleted);
 * - compact: cleanup.policy=compact, retention does not run;
 * - null: nothing holds it; the cleaner's next pass deletes it;
 * - unknown: a Kafka cluster (remote mode) does not say; its own retention applies.
 */
export type RetentionState =
  | { heldBy: 'time'; expiresMs: number | null }
  | { heldBy: 'size' }
  | { heldBy: 'group'; group: string; committedOffset: number | null; segmentEndOffset: number }
  | { heldBy: 'active-segment' }
  | { heldBy: 'compact' }
  | { heldBy: null }
  | { heldBy: 'unknown' };

export interface PartitionDescription {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  segments: number;
  bytes: number;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  retention: RetentionState;
}

/** Traffic since the broker started (for rates in `spool top`). */
export interface TopicTrafficDescription {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

export interface TopicDescription {
  name: string;
  traffic: TopicTrafficDescription;
  configs: Record<string, string>;
  /** Config keys left at their default. */
  defaults: string[];
  partitions: PartitionDescription[];
}

export interface DescribeTopicsRequest {
  names?: string[];
}

export interface DescribeTopicsResponse {
  topics: TopicDescription[];
}

export function parseDescribeTopicsRequest(value: unknown): DescribeTopicsRequest {
  const names = stringArrayField(asObject(value), 'names');
  return names === undefined ? {} : { names };
}
