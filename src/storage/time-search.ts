// The scan behind a seek by time: from an offset the time index vouches for (every record before
// it is older than the time), read batches on and return the first record at or after the time.
// Batches whose max timestamp is older are skipped whole, so the scan decodes about one batch.
import { batchSizeAt, readBaseOffset, readLastOffsetDelta, readMaxTimestamp } from '../records/record-batch.js';
import { RecordCursor } from '../records/record-cursor.js';

export interface ReadableLog {
  readonly nextOffset: number;
  read(offset: number, maxBytes: number): Buffer;
}

const READ_BYTES = 1 << 20;

export interface TimedOffset {
  offset: number;
  timestamp: number;
}

/** The first record at or after `timestamp` from `from` on: its offset and its own timestamp. */
export function firstRecordAtOrAfter(log: ReadableLog, from: number, timestamp: number): TimedOffset | null {
  let offset = from;
  const cursor = new RecordCursor();
  while (offset < log.nextOffset) {
    const data = log.read(offset, READ_BYTES);
    if (data.length === 0) break;
    let pos = 0;
    while (pos < data.length) {
      const size = batchSizeAt(data, pos);
      if (readMaxTimestamp(data, pos) >= timestamp) {
        cursor.open(data, pos, size);
        while (cursor.next()) {
          if (cursor.offset >= offset && cursor.timestamp >= timestamp && !cursor.isControl) return { offset: cursor.offset, timestamp: cursor.timestamp };
        }
      }
      offset = Math.max(offset, readBaseOffset(data, pos) + readLastOffsetDelta(data, pos) + 1);
      pos += size;
    }
  }
  return null;
}
