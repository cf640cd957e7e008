// Fetch: read stored batches from partitions, waiting up to max_wait_ms for data when there is
// none (the fetch is parked in the broker and answered by the next append).
//
//   Fetch Request  => max_wait_ms min_bytes max_bytes [topic [partition fetch_offset partition_max_bytes]]
//   Fetch Response => [topic [partition error_code log_start_offset high_watermark records]]
//     records  bytes  whole RecordBatch v2 batches exactly as stored; the first may start
//                     before fetch_offset (the consumer skips those records)
import { BufferReader } from '../buffer-reader.js';
import { BufferWriter } from '../buffer-writer.js';

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

export interface FetchTopicRequest {
  topic: string;
  partitions: FetchPartitionRequest[];
}

export interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: FetchTopicRequest[];
}

export interface FetchPartitionResult {
  partition: number;
  errorCode: number;
  logStartOffset: number;
  highWatermark: number;
  records: Buffer;
  /** Only in a LocalFetch answer: where the data lies, for the client to read itself (records are then empty). */
  file?: FileRange;
}

/**
 * Whole batches in a segment file from `position` to `end`: the first holds the offset asked for
 * (it may start before it), the last ends before `endOffset`. `inode` tells the file apart from one
 * renamed over its path later (compaction).
 */
export interface FileRange {
  path: string;
  inode: number;
  position: number;
  end: number;
  endOffset: number;
}

export interface FetchTopicResult {
  topic: string;
  partitions: FetchPartitionResult[];
}

export function encodeFetchRequest(request: FetchRequest): Buffer[] {
  return writeFetchRequest(new BufferWriter(64), request).parts();
}

export function decodeFetchRequest(body: Buffer): FetchRequest {
  return readFetchRequest(new BufferReader(body));
}

/** The fields of a Fetch request, also the start of a LocalFetch's (local-fetch.ts). */
export function writeFetchRequest(w: BufferWriter, request: FetchRequest): BufferWriter {
  w.int32(request.maxWaitMs).int32(request.minBytes).int32(request.maxBytes);
  w.int32(request.topics.length);
  for (const t of request.topics) {
    w.string(t.topic).int32(t.partitions.length);
    for (const p of t.partitions) w.int32(p.partition).int64(p.fetchOffset).int32(p.maxBytes);
  }
  return w;
}

export function readFetchRequest(r: BufferReader): FetchRequest {
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  const topicCount = r.count(6);
  const topics: FetchTopicRequest[] = [];
  for (let i = 0; i < topicCount; i++) {
    const topic = r.string() ?? '';
    const count = r.count(16);
    const partitions: FetchPartitionRequest[] = [];
    for (let j = 0; j < count; j++) partitions.push({ partition: r.int32(), fetchOffset: r.int64(), maxBytes: r.int32() });
    topics.push({ topic, partitions });
  }
  return { maxWaitMs, minBytes, maxBytes, topics };
}

export function encodeFetchResponse(topics: readonly FetchTopicResult[]): Buffer[] {
  return writeTopicResults(topics, (w, p) => writePartitionHead(w, p).bytesRef(p.records));
}

export function decodeFetchResponse(body: Buffer): FetchTopicResult[] {
  return readTopicResults(body, 26, (r) => readPartitionResult(r, null));
}

/** A Fetch-shaped answer (also LocalFetch's): its topics, each partition written by `writePartition`. */
export function writeTopicResults(topics: readonly FetchTopicResult[], writePartition: (w: BufferWriter, p: FetchPartitionResult) => void): Buffer[] {
  const w = new BufferWriter(64).int32(topics.length);
  for (const t of topics) {
    w.string(t.topic).int32(t.partitions.length);
    for (const p of t.partitions) writePartition(w, p);
  }
  return w.parts();
}

/** `minPartitionBytes`: the least a partition takes, to check counts against the body. */
export function readTopicResults(body: Buffer, minPartitionBytes: number, readPartition: (r: BufferReader) => FetchPartitionResult): FetchTopicResult[] {
  const r = new BufferReader(body);
  const topicCount = r.count(6);
  const topics: FetchTopicResult[] = [];
  for (let i = 0; i < topicCount; i++) {
    const topic = r.string() ?? '';
    const count = r.count(minPartitionBytes);
    const partitions: FetchPartitionResult[] = [];
    for (let j = 0; j < count; j++) partitions.push(readPartition(r));
    topics.push({ topic, partitions });
  }
  return topics;
}

/** partition, error_code, log_start_offset, high_watermark: what every partition's answer starts with. */
export function writePartitionHead(w: BufferWriter, p: FetchPartitionResult): BufferWriter {
  return w.int32(p.partition).int16(p.errorCode).int64(p.logStartOffset).int64(p.highWatermark);
}

/**
 * A partition's answer: its head, what `readFile` reads after it (LocalFetch's file range), then
 * its records. Built as one literal, never as `{ ...head, records }`: for an object literal whose
 * spread is followed by more properties, V8 (Node 20) allocates part of the new object straight in
 * the old generation, some 60 bytes each time. A following reader decodes an answer a millisecond,
 * and what those pieces pointed to was promoted with them, so its old generation grew by about
 * 0.2 MB/s and a full collection paused it for 3-5 ms every ten seconds or so.
 */
export function readPartitionResult(r: BufferReader, readFile: ((r: BufferReader) => FileRange | undefined) | null): FetchPartitionResult {
  const partition = r.int32();
  const errorCode = r.int16();
  const logStartOffset = r.int64();
  const highWatermark = r.int64();
  const file = readFile === null ? undefined : readFile(r);
  const records = r.bytes();
  if (file === undefined) return { partition, errorCode, logStartOffset, highWatermark, records };
  return { partition, errorCode, logStartOffset, highWatermark, records, file };
}
