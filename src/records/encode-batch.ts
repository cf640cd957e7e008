// Encode whole records into one RecordBatch v2: the general (non hot-path) encoder used for
// `produce --json`, tests and tools. Offsets are deltas from 0; the broker stamps the base.
import { BatchBuilder, encodedRecordSize } from './batch-builder.js';
import { encodeHeaders, NO_HEADERS } from './headers.js';
import { BATCH_HEADER_SIZE, Compression } from './record-batch.js';
import type { ProducerRecord } from './record.js';

export function encodeRecordBatch(records: readonly ProducerRecord[], compression: Compression = Compression.None): Buffer {
  if (records.length === 0) throw new RangeError('a record batch holds at least one record');
  const headers = records.map((r) => (r.headers.length === 0 ? NO_HEADERS : encodeHeaders(r.headers)));
  const baseTimestamp = records[0]!.timestamp;
  let size = BATCH_HEADER_SIZE;
  records.forEach((r, i) => {
    size += encodedRecordSize(r.timestamp - baseTimestamp, i, r.key?.length ?? -1, r.value?.length ?? -1, headers[i]!.length);
  });
  const builder = new BatchBuilder(size, compression);
  records.forEach((r, i) => {
    builder.append(r.timestamp, r.key, r.value, 0, r.value?.length ?? 0, headers[i]!);
  });
  return builder.build()!;
}
