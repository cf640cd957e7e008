// LocalFetch: a Fetch from a client on the broker's machine. Where a partition has at least
// min_file_bytes to read in one segment from the fetch offset on, the answer says where those
// bytes lie (as much as the fetch's budget allows) instead of carrying them, and the client reads
// the segment file itself: one copy out
// of the page cache instead of three through a Unix socket whose send buffer (~208 KiB, and Node
// cannot raise it) costs both processes a wake-up per buffer's worth. A client that keeps up gets
// the bytes as from Fetch, so a following tail is answered as fast as before.
//
//   LocalFetch Request  => <Fetch Request> min_file_bytes int32
//   LocalFetch Response => [topic [partition error_code log_start_offset high_watermark file records]]
//     file     path string (null: no file range; the records follow), and when not null:
//              inode int64, position int64, end int64, end_offset int64: whole batches from
//              position to end, the last ending before end_offset
//     records  as in Fetch (empty with a file range)
import { BufferReader } from '../buffer-reader.js';
import { BufferWriter } from '../buffer-writer.js';
import {
  readFetchRequest,
  readPartitionResult,
  readTopicResults,
  writeFetchRequest,
  writePartitionHead,
  writeTopicResults,
  type FetchRequest,
  type FetchTopicResult,
  type FileRange,
} from './fetch.js';

export interface LocalFetchRequest {
  fetch: FetchRequest;
  /** The least a partition's file range may hold; less is answered with the bytes. */
  minFileBytes: number;
}

export function encodeLocalFetchRequest(request: LocalFetchRequest): Buffer[] {
  return writeFetchRequest(new BufferWriter(64), request.fetch).int32(request.minFileBytes).parts();
}

export function decodeLocalFetchRequest(body: Buffer): LocalFetchRequest {
  const r = new BufferReader(body);
  const fetch = readFetchRequest(r);
  return { fetch, minFileBytes: r.int32() };
}

export function encodeLocalFetchResponse(topics: readonly FetchTopicResult[]): Buffer[] {
  return writeTopicResults(topics, (w, p) => {
    writePartitionHead(w, p);
    const file = p.file;
    if (file === undefined) w.string(null).bytesRef(p.records);
    else w.string(file.path).int64(file.inode).int64(file.position).int64(file.end).int64(file.endOffset).bytesRef(EMPTY);
  });
}

export function decodeLocalFetchResponse(body: Buffer): FetchTopicResult[] {
  return readTopicResults(body, 28, (r) => readPartitionResult(r, readFileRange));
}

/** The path, and where the range lies when there is one (a null path: the records are inline). */
function readFileRange(r: BufferReader): FileRange | undefined {
  const path = r.string();
  if (path === null) return undefined;
  return { path, inode: r.int64(), position: r.int64(), end: r.int64(), endOffset: r.int64() };
}

const EMPTY = Buffer.alloc(0);
