// DescribeTopics: configs and per-partition state of topics (topic list and describe).
//
//   DescribeTopics Request  => { names?: [string] }     all topics when absent
//   DescribeTopics Response => { topics: [TopicDescription] }
//     TopicDescription => { name, traffic: {messagesIn, bytesIn, messagesOut, bytesOut}, configs,
//                           defaults, partitions: [{partition, logStartOffset, logEndOffset,
//                           segments, bytes, firstTimestamp, lastTimestamp}] }
import { asObject, stringArrayField } from '../validate.js';

export interface PartitionDescription {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  segments: number;
  bytes: number;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
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
