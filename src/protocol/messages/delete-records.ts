// DeleteRecords (`spool topic trim`): raise the log start offset of partitions to an offset, or
// to the first offset at or after a time. Whole segments below it are deleted; the rest of the
// records below it are hidden from readers.
//
//   DeleteRecords Request  => { topic, partitions?: [int], offset?: int64, timestamp?: int64 }
//     exactly one of offset and timestamp
//   DeleteRecords Response => { partitions: [{ partition, before, logStartOffset, deletedSegments }] }
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { asObject, intArrayField, optionalIntField, stringField } from '../validate.js';

export interface DeleteRecordsRequest {
  topic: string;
  partitions?: number[];
  offset?: number;
  timestamp?: number;
}

export interface DeleteRecordsResult {
  partition: number;
  /** The log start before the trim. */
  before: number;
  logStartOffset: number;
  deletedSegments: number;
}

export interface DeleteRecordsResponse {
  partitions: DeleteRecordsResult[];
}

export function parseDeleteRecordsRequest(value: unknown): DeleteRecordsRequest {
  const o = asObject(value);
  const partitions = intArrayField(o, 'partitions');
  const offset = optionalIntField(o, 'offset');
  const timestamp = optionalIntField(o, 'timestamp');
  if ((offset === undefined) === (timestamp === undefined)) {
    throw new SpoolError('invalid request: give exactly one of offset and timestamp', { code: ErrorCode.InvalidRequest });
  }
  return {
    topic: stringField(o, 'topic'),
    ...(partitions === undefined ? {} : { partitions }),
    ...(offset === undefined ? {} : { offset }),
    ...(timestamp === undefined ? {} : { timestamp }),
  };
}
