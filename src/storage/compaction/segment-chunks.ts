// SegmentChunks: the batches of one closed segment file, read in runs of whole batches of about
// `chunkBytes` each, so that the compactor can stop between runs and let the event loop serve
// producers. A closed segment is immutable and its batches were checked when they were appended
// or recovered; only the length fields are checked again here, so a bad one cannot loop or overrun.
import { closeSync, openSync, readSync } from 'node:fs';
import { CorruptBatchError } from '../../common/errors.js';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, batchSizeAt } from '../../records/record-batch.js';

export interface BatchRun {
  /** Whole batches back to back. */
  data: Buffer;
  /** File position of data[0]. */
  position: number;
}

export class SegmentChunks {
  readonly path: string;
  readonly sizeBytes: number;
  readonly #chunkBytes: number;
  #fd: number | null;
  #position = 0;

  /** Opens the file now: a segment deleted later (retention) stays readable through the descriptor. */
  constructor(path: string, sizeBytes: number, chunkBytes: number) {
    this.path = path;
    this.sizeBytes = sizeBytes;
    this.#chunkBytes = Math.max(chunkBytes, BATCH_HEADER_SIZE);
    this.#fd = openSync(path, 'r');
  }

  /** The next run of whole batches (at least one, however large), or null at the end. */
  next(): BatchRun | null {
    const remaining = this.sizeBytes - this.#position;
    if (remaining <= 0) return null;
    let data = this.#read(this.#position, Math.min(this.#chunkBytes, remaining));
    let end = 0;
    while (end + LOG_OVERHEAD <= data.length) {
      const size = this.#checkedSize(data, end, remaining);
      if (end + size > data.length) break;
      end += size;
    }
    if (end === 0) {
      // The first batch is larger than a chunk: read exactly that batch.
      data = this.#read(this.#position, this.#checkedSize(data, 0, remaining));
      end = data.length;
    }
    const run = { data: data.subarray(0, end), position: this.#position };
    this.#position += end;
    return run;
  }

  close(): void {
    if (this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
  }

  #checkedSize(data: Buffer, at: number, remaining: number): number {
    const size = batchSizeAt(data, at);
    if (size < BATCH_HEADER_SIZE || at + size > remaining) {
      throw new CorruptBatchError(`${this.path}: the batch at position ${this.#position + at} claims ${size} bytes, which cannot be; run spool verify`);
    }
    return size;
  }

  #read(position: number, length: number): Buffer {
    if (this.#fd === null) throw new Error(`${this.path} is closed`);
    const buf = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const n = readSync(this.#fd, buf, filled, length - filled, position + filled);
      if (n === 0) throw new CorruptBatchError(`${this.path} ends at ${position + filled}, before its recorded size ${this.sizeBytes}`);
      filled += n;
    }
    return buf;
  }
}
