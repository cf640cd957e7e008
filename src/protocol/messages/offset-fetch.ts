// OffsetFetch: a group's committed offsets for partitions (null where nothing is committed).
//
//   OffsetFetch Request  => { group, partitions: [{topic, partition}] }
//   OffsetFetch Response => { offsets: [{topic, partition, offset: int|null}] }
import { asObject, stringField } from '../validate.js';
import { topicPartitionsField, type TopicPartition } from './topic-partitions.js';

export interface OffsetFetchRequest {
  group: string;
  partitions: TopicPartition[];
}

export interface OffsetFetchResponse {
  offsets: Array<TopicPartition & { offset: number | null }>;
}

export function parseOffsetFetchRequest(value: unknown): OffsetFetchRequest {
  const o = asObject(value);
  return { group: stringField(o, 'group'), partitions: topicPartitionsField(o, 'partitions') };
}
