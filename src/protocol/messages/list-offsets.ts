// ListOffsets: the log start and end offsets of partitions, and optionally the first offset
// whose record timestamp is at or after a time (as Kafka's ListOffsets / kcat -Q).
//
//   ListOffsets Request  => { topic, partitions?: [int], timestamp?: int64 }
//   ListOffsets Response => { partitions: [{ partition, logStartOffset, logEndOffset, offset? }] }
//     offset  with `timestamp`: the first offset at or after it, logEndOffset when none is
import { asObject, intArrayField, optionalIntField, stringField } from '../validate.js';

export interface ListOffsetsRequest {
  topic: string;
  partitions?: number[];
  timestamp?: number;
}

export interface PartitionOffsets {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  offset?: number;
}

export interface ListOffsetsResponse {
  partitions: PartitionOffsets[];
}

export function parseListOffsetsRequest(value: unknown): ListOffsetsRequest {
  const o = asObject(value);
  const partitions = intArrayField(o, 'partitions');
  const timestamp = optionalIntField(o, 'timestamp');
  return {
    topic: stringField(o, 'topic'),
    ...(partitions === undefined ? {} : { partitions }),
    ...(timestamp === undefined ? {} : { timestamp }),
  };
}
