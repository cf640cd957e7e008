// CleanedSegmentWriter: writes the compacted copy of one closed segment to `<base>.log.cleaned`
// (file-names.ts) and collects its index rows the way PartitionLog's appends do: one at the first
// batch, then one per INDEX_INTERVAL_BYTES, each with the largest record timestamp before it.
// Batches are gathered in a buffer and written in large writes; finish() fdatasyncs on the
// thread pool (a large segment would otherwise hold the event loop) before the caller renames.
import { closeSync, fdatasync, openSync, rmSync, writeSync } from 'node:fs';
import { INDEX_INTERVAL_BYTES } from '../offset-index.js';

const WRITE_BUFFER_BYTES = 1 << 20;

export interface IndexRow {
  offset: number;
  position: number;
  maxBefore: number;
}

export class CleanedSegmentWriter {
  readonly path: string;
  readonly rows: IndexRow[] = [];
  #fd: number | null;
  #buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  #buffered = 0;
  /** Bytes of batches added so far (written or buffered). */
  #sizeBytes = 0;
  #bytesSinceIndex = 0;
  #maxTimestamp: number;

  /** `maxTimestampBefore`: the largest record timestamp of the segments before this one, -1 if none. */
  constructor(path: string, maxTimestampBefore: number) {
    this.path = path;
    this.#maxTimestamp = maxTimestampBefore;
    // 'w': a copy left by an earlier pass of this process that was abandoned is overwritten.
    this.#fd = openSync(path, 'w', 0o600);
  }

  get sizeBytes(): number {
    return this.#sizeBytes;
  }

  /** Add one whole, sealed batch whose offset is `baseOffset` and max timestamp `maxTimestamp`. */
  add(batch: Buffer, baseOffset: number, maxTimestamp: number): void {
    if (this.#sizeBytes === 0 || this.#bytesSinceIndex >= INDEX_INTERVAL_BYTES) {
      this.rows.push({ offset: baseOffset, position: this.#sizeBytes, maxBefore: this.#maxTimestamp });
      this.#bytesSinceIndex = 0;
    }
    if (this.#buffered + batch.length > this.#buffer.length) this.#flushBuffer();
    if (batch.length > this.#buffer.length) this.#write(batch);
    else this.#buffered += batch.copy(this.#buffer, this.#buffered);
    this.#sizeBytes += batch.length;
    this.#bytesSinceIndex += batch.length;
    if (maxTimestamp > this.#maxTimestamp) this.#maxTimestamp = maxTimestamp;
  }

  /** Write what is buffered, fdatasync and close. The file is complete once this resolves. */
  async finish(): Promise<void> {
    this.#flushBuffer();
    const fd = this.#descriptor();
    await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err === null ? resolve() : reject(err))));
    this.#fd = null;
    closeSync(fd);
  }

  /** Close and delete the copy (the pass gave up on this segment). */
  abandon(): void {
    if (this.#fd !== null) {
      closeSync(this.#fd);
      this.#fd = null;
    }
    rmSync(this.path, { force: true });
  }

  #flushBuffer(): void {
    if (this.#buffered === 0) return;
    this.#write(this.#buffer.subarray(0, this.#buffered));
    this.#buffered = 0;
  }

  #write(data: Buffer): void {
    const fd = this.#descriptor();
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
  }

  #descriptor(): number {
    if (this.#fd === null) throw new Error(`${this.path} is already closed`);
    return this.#fd;
  }
}
