// Reading only the batch headers of a segment file, for what they alone tell (the producer
// state). Reads go in chunks of CHUNK_BYTES: small batches are walked inside one read, and a
// batch larger than a chunk costs one read of its header, not of its records. No CRC checks:
// the files were recovered when the partition opened, so their batches are whole.
import { closeSync, openSync, readSync } from 'node:fs';
import { BATCH_HEADER_SIZE, batchSizeAt } from '../records/record-batch.js';

const CHUNK_BYTES = 64 * 1024;

/**
 * Call `visit(chunk, at)` with the header of every batch from position 0 to `endPosition` (the
 * segment's logical size) at `chunk[at..at + BATCH_HEADER_SIZE)`. Stops at a length that cannot
 * be right. Returns the number of batches visited.
 */
export function walkBatchHeaders(path: string, endPosition: number, visit: (chunk: Buffer, at: number) => void): number {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let chunkStart = 0;
  let chunkLength = 0;
  let position = 0;
  let count = 0;
  const fd = openSync(path, 'r');
  try {
    while (endPosition - position >= BATCH_HEADER_SIZE) {
      if (position + BATCH_HEADER_SIZE > chunkStart + chunkLength) {
        chunkStart = position;
        chunkLength = readFully(fd, chunk, position, Math.min(CHUNK_BYTES, endPosition - position));
        if (chunkLength < BATCH_HEADER_SIZE) break;
      }
      const at = position - chunkStart;
      const size = batchSizeAt(chunk, at);
      if (size < BATCH_HEADER_SIZE || position + size > endPosition) break;
      visit(chunk, at);
      count++;
      position += size;
    }
  } finally {
    closeSync(fd);
  }
  return count;
}

function readFully(fd: number, buf: Buffer, position: number, length: number): number {
  let filled = 0;
  while (filled < length) {
    const n = readSync(fd, buf, filled, length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}
