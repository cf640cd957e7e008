// One partition's part of a fetch, for either front door: whole stored batches from the one
// holding `offset`, up to about `maxBytes`, with the partition's bounds; a missing topic or
// partition and an offset outside the log become error codes, not throws, because a fetch
// answers every partition it asked for.
import { ErrorCode } from '../common/error-codes.js';
import { OffsetOutOfRangeError, SpoolError } from '../common/errors.js';
import type { BufferPool } from '../common/buffer-pool.js';
import type { Topic } from '../storage/log-manager.js';
import type { SegmentRange } from '../storage/segment-reads.js';

export interface PartitionRead {
  errorCode: number;
  logStartOffset: number;
  highWatermark: number;
  records: Buffer;
  /** Where the data lies instead of `records` (only from readOrLocatePartition). */
  file?: SegmentRange;
}

const EMPTY = Buffer.alloc(0);

/** With a `pool`, the records are read into its memory, for the caller to give back once sent. */
export function readPartition(topic: Topic | undefined, partition: number, offset: number, maxBytes: number, pool: BufferPool | null = null): PartitionRead {
  const log = topic?.partitions[partition];
  if (log === undefined) return { errorCode: ErrorCode.UnknownTopicOrPartition, logStartOffset: -1, highWatermark: -1, records: EMPTY };
  try {
    const records = maxBytes > 0 ? log.read(offset, maxBytes, pool) : EMPTY;
    return { errorCode: ErrorCode.None, logStartOffset: log.logStartOffset, highWatermark: log.nextOffset, records };
  } catch (err) {
    if (err instanceof OffsetOutOfRangeError) {
      return { errorCode: err.code, logStartOffset: err.logStartOffset, highWatermark: err.logEndOffset, records: EMPTY };
    }
    if (err instanceof SpoolError) return { errorCode: err.code, logStartOffset: -1, highWatermark: -1, records: EMPTY };
    throw err;
  }
}

/**
 * As readPartition, but where the segment holding `offset` has at least `minFileBytes` from it on,
 * the file range of about `maxBytes` instead of the bytes, for a client on this machine to read
 * itself (LocalFetch).
 */
export function readOrLocatePartition(
  topic: Topic | undefined,
  partition: number,
  offset: number,
  maxBytes: number,
  minFileBytes: number,
  pool: BufferPool | null,
): PartitionRead {
  const log = topic?.partitions[partition];
  if (log !== undefined && maxBytes > 0) {
    try {
      const file = log.locate(offset, minFileBytes, maxBytes);
      if (file !== null) return { errorCode: ErrorCode.None, logStartOffset: log.logStartOffset, highWatermark: log.nextOffset, records: EMPTY, file };
    } catch (err) {
      // An offset outside the log: readPartition answers it with its error code.
      if (!(err instanceof SpoolError)) throw err;
    }
  }
  return readPartition(topic, partition, offset, maxBytes, pool);
}
