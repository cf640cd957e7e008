// Produce: append record batches to partitions of one topic.
//
//   Produce Request  => topic durable [partition records]
//     topic     string
//     durable   int8     1: acknowledge only after fsync, whatever the broker's policy
//     partition int32
//     records   bytes    one or more RecordBatch v2, baseOffset 0 (the broker stamps it)
//   Produce Response => [partition error_code error_message base_offset log_start_offset]
//     base_offset int64  offset given to the first record; -1 on error
import { BufferReader } from '../buffer-reader.js';
import { BufferWriter } from '../buffer-writer.js';

export interface ProducePartitionData {
  partition: number;
  records: Buffer;
}

export interface ProduceRequest {
  topic: string;
  durable: boolean;
  partitions: ProducePartitionData[];
}

export interface ProducePartitionResult {
  partition: number;
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logStartOffset: number;
}

export function encodeProduceRequest(request: ProduceRequest): Buffer[] {
  const w = new BufferWriter(64).string(request.topic).int8(request.durable ? 1 : 0).int32(request.partitions.length);
  for (const p of request.partitions) w.int32(p.partition).bytesRef(p.records);
  return w.parts();
}

export function decodeProduceRequest(body: Buffer): ProduceRequest {
  const r = new BufferReader(body);
  const topic = r.string() ?? '';
  const durable = r.int8() === 1;
  const count = r.count(8);
  const partitions: ProducePartitionData[] = [];
  for (let i = 0; i < count; i++) partitions.push({ partition: r.int32(), records: r.bytes() });
  return { topic, durable, partitions };
}

export function encodeProduceResponse(results: readonly ProducePartitionResult[]): Buffer[] {
  const w = new BufferWriter(32 + results.length * 32).int32(results.length);
  for (const p of results) {
    w.int32(p.partition).int16(p.errorCode).string(p.errorMessage).int64(p.baseOffset).int64(p.logStartOffset);
  }
  return w.parts();
}

export function decodeProduceResponse(body: Buffer): ProducePartitionResult[] {
  const r = new BufferReader(body);
  const count = r.count(24);
  const results: ProducePartitionResult[] = [];
  for (let i = 0; i < count; i++) {
    results.push({ partition: r.int32(), errorCode: r.int16(), errorMessage: r.string(), baseOffset: r.int64(), logStartOffset: r.int64() });
  }
  return results;
}
