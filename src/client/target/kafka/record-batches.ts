// The Kafka client library hands fetched batches over decoded (and decompressed): this turns
// them back into RecordBatch v2 bytes, uncompressed, with the same base offset, timestamps,
// producer fields, offset and timestamp deltas, keys, values and headers (null kept apart from
// empty), so the consume formatters, filters and JSON fields read them exactly as they read the
// local broker's batches. The CRC is sealed over the new bytes.
import { CONTROL_MASK, RECORDS_OFFSET, TIMESTAMP_TYPE_MASK, TRANSACTIONAL_MASK, sealBatch, writeBatchHeader } from '../../../records/record-batch.js';
import { varintSize, varlongSize, writeVarint, writeVarlong } from '../../../records/varint.js';

/** The fields of a decoded batch this needs (the library's RecordsBatch has them all). */
export interface DecodedBatch {
  firstOffset: bigint;
  partitionLeaderEpoch: number;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  firstSequence: number;
  records: ReadonlyArray<DecodedRecord>;
}

export interface DecodedRecord {
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: ReadonlyArray<readonly [Buffer | null, Buffer | null]>;
}

const length = (b: Buffer | null) => (b === null ? -1 : b.length);

function recordBodySize(r: DecodedRecord): number {
  let size = 1 + varlongSize(Number(r.timestampDelta)) + varintSize(r.offsetDelta);
  for (const part of [r.key, r.value]) size += varintSize(length(part)) + Math.max(length(part), 0);
  size += varintSize(r.headers.length);
  for (const [k, v] of r.headers) size += varintSize(length(k)) + Math.max(length(k), 0) + varintSize(length(v)) + Math.max(length(v), 0);
  return size;
}

function writeBytes(buf: Buffer, pos: number, bytes: Buffer | null): number {
  pos = writeVarint(buf, pos, length(bytes));
  return bytes === null ? pos : pos + bytes.copy(buf, pos);
}

/** All `batches` as back-to-back RecordBatch v2 bytes. */
export function encodeBatches(batches: readonly DecodedBatch[]): Buffer {
  const sizes: number[][] = [];
  let total = 0;
  for (const batch of batches) {
    const bodies = batch.records.map(recordBodySize);
    sizes.push(bodies);
    total += RECORDS_OFFSET + bodies.reduce((n, body) => n + varintSize(body) + body, 0);
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  batches.forEach((batch, b) => {
    const start = pos;
    pos += RECORDS_OFFSET;
    batch.records.forEach((r, i) => {
      pos = writeVarint(out, pos, sizes[b]![i]!);
      out[pos++] = r.attributes;
      pos = writeVarlong(out, pos, Number(r.timestampDelta));
      pos = writeVarint(out, pos, r.offsetDelta);
      pos = writeBytes(out, pos, r.key);
      pos = writeBytes(out, pos, r.value);
      pos = writeVarint(out, pos, r.headers.length);
      for (const [k, v] of r.headers) pos = writeBytes(out, writeBytes(out, pos, k), v);
    });
    writeBatchHeader(out, start, {
      baseOffset: Number(batch.firstOffset),
      partitionLeaderEpoch: batch.partitionLeaderEpoch,
      // Stored uncompressed now: keep the timestamp type, transactional and control bits only.
      attributes: batch.attributes & (TIMESTAMP_TYPE_MASK | TRANSACTIONAL_MASK | CONTROL_MASK),
      lastOffsetDelta: batch.lastOffsetDelta,
      baseTimestamp: Number(batch.firstTimestamp),
      maxTimestamp: Number(batch.maxTimestamp),
      producerId: Number(batch.producerId),
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.firstSequence,
      recordCount: batch.records.length,
    });
    sealBatch(out, start, pos - start);
  });
  return out;
}
