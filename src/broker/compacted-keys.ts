// A compacted topic keeps the latest record per key, so a record without a key has no place in
// it: such a batch is refused, as Kafka refuses it.
import { ErrorCode } from '../common/error-codes.js';
import { SpoolError } from '../common/errors.js';
import { RecordCursor } from '../records/record-cursor.js';

export function checkCompactedKeys(records: Buffer, pos: number, size: number): void {
  const cursor = new RecordCursor();
  cursor.open(records, pos, size);
  while (cursor.next()) {
    if (cursor.keyLength < 0) {
      throw new SpoolError('a compacted topic (cleanup.policy compact) needs a key on every record; give one with -k or -K', {
        code: ErrorCode.InvalidRecord,
      });
    }
  }
}
