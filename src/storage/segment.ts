// Segment: one append-only .log file of RecordBatch v2 batches back to back, named by the base
// offset of its first batch. `sizeBytes` is the logical end: the bytes before it are whole,
// validated batches; nothing at or past it is ever served. A failed write is cut back to it.
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, ftruncateSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BufferPool } from '../common/buffer-pool.js';
import { StorageWriteError, errorMessage } from '../common/errors.js';
import { segmentFileName } from './file-names.js';

export class Segment {
  readonly baseOffset: number;
  readonly path: string;
  /** Bytes of whole batches in the file. */
  sizeBytes: number;
  /** Offset after the last batch; baseOffset while empty. */
  nextOffset: number;
  /** Largest record timestamp in this segment and all before it; -1 when there is none yet. */
  maxTimestamp: number;
  /** When the first batch was appended (wall clock ms), for segment.ms; null while empty. */
  firstAppendMs: number | null = null;
  #fd: number | null = null;
  /** The inode #fd refers to; -1 until asked for. */
  #inode = -1;
  #dirty = false;
  /**
   * A failed fsync is sticky: the kernel may have dropped the unwritten pages and a retry would
   * report success for data that is gone, so this segment takes no more appends until a restart
   * recovers it from what is really on disk.
   */
  #syncError: StorageWriteError | null = null;
  /** A descriptor whose background fdatasync is still running; closed when it finishes. */
  #syncingFd: number | null = null;
  #closeAfterSync = false;

  private constructor(path: string, baseOffset: number, sizeBytes: number, maxTimestamp: number) {
    this.path = path;
    this.baseOffset = baseOffset;
    this.sizeBytes = sizeBytes;
    this.nextOffset = baseOffset;
    this.maxTimestamp = maxTimestamp;
  }

  /**
   * A new, empty segment file; fails if one exists already. With `syncDirectory` the directory
   * entry is fsynced too, so the file itself survives a power loss (--fsync always).
   */
  static create(dir: string, baseOffset: number, maxTimestampBefore: number, syncDirectory = false): Segment {
    const path = join(dir, segmentFileName(baseOffset));
    const segment = new Segment(path, baseOffset, 0, maxTimestampBefore);
    segment.#fd = openSync(path, 'wx+', 0o600);
    if (syncDirectory) fsyncDirectory(dir);
    return segment;
  }

  /** An existing file; the caller sets sizeBytes/nextOffset from the index or a scan. */
  static open(dir: string, baseOffset: number): Segment {
    const path = join(dir, segmentFileName(baseOffset));
    const segment = new Segment(path, baseOffset, 0, -1);
    segment.#fd = openSync(path, 'r+');
    segment.sizeBytes = fstatSync(segment.#fd).size;
    return segment;
  }

  get fileSizeBytes(): number {
    return fstatSync(this.#descriptor()).size;
  }

  /**
   * The inode of the file this segment reads: a client that opens `path` itself (a LocalFetch's
   * file range) checks it, since compaction renames a new file over the path.
   */
  get inode(): number {
    if (this.#inode < 0) this.#inode = fstatSync(this.#descriptor()).ino;
    return this.#inode;
  }

  get isOpen(): boolean {
    return this.#fd !== null;
  }

  /** Write `data` at the logical end; on any error the file is cut back and nothing is kept. */
  append(data: Buffer): void {
    if (this.#syncError !== null) throw this.#syncError;
    const fd = this.#descriptor();
    const start = this.sizeBytes;
    let written = 0;
    try {
      while (written < data.length) {
        written += writeSync(fd, data, written, data.length - written, start + written);
      }
    } catch (err) {
      this.#cutBack(fd, start);
      throw new StorageWriteError(`write to ${this.path} failed: ${errorMessage(err)}`, { cause: err });
    }
    this.sizeBytes = start + data.length;
    this.#dirty = true;
  }

  /** Up to `length` bytes at `position`, never past the logical end; read into `pool`'s memory if given. */
  read(position: number, length: number, pool: BufferPool | null = null): Buffer {
    const wanted = Math.max(0, Math.min(length, this.sizeBytes - position));
    const buf = pool !== null && wanted > 0 ? pool.take(wanted) : Buffer.allocUnsafe(wanted);
    const fd = this.#descriptor();
    let filled = 0;
    while (filled < wanted) {
      const n = readSync(fd, buf, filled, wanted - filled, position + filled);
      if (n === 0) break;
      filled += n;
    }
    return filled === wanted ? buf : buf.subarray(0, filled);
  }

  /** Cut the file (and the logical end) to `sizeBytes`. */
  truncate(sizeBytes: number): void {
    ftruncateSync(this.#descriptor(), sizeBytes);
    this.sizeBytes = sizeBytes;
    this.#dirty = true;
  }

  /** fsync unsynced writes; true when there were any. */
  flush(): boolean {
    if (this.#syncError !== null) throw this.#syncError;
    if (!this.#dirty || this.#fd === null) return false;
    try {
      fdatasyncSync(this.#fd);
    } catch (err) {
      throw this.#failSync(err);
    }
    this.#dirty = false;
    return true;
  }

  #failSync(err: unknown): StorageWriteError {
    this.#syncError = new StorageWriteError(
      `fsync of ${this.path} failed (${errorMessage(err)}); appends to it are refused until the broker restarts and recovers it`,
      { cause: err },
    );
    return this.#syncError;
  }

  /**
   * fsync on the thread pool so the broker's event loop keeps serving (the interval policy).
   * Writes made while it runs stay dirty and are covered by the next flush. `onSynced` is told
   * how long a successful fsync took.
   */
  flushInBackground(onSynced?: (ms: number) => void): void {
    if (!this.#dirty || this.#fd === null || this.#syncingFd !== null) return;
    const fd = this.#fd;
    this.#dirty = false;
    this.#syncingFd = fd;
    const startMs = onSynced === undefined ? 0 : performance.now();
    fdatasync(fd, (err) => {
      this.#syncingFd = null;
      if (err) this.#failSync(err);
      else onSynced?.(performance.now() - startMs);
      if (this.#closeAfterSync) {
        this.#closeAfterSync = false;
        closeSync(fd);
      }
    });
  }

  /** Flush and release the descriptor; read() or append() reopen it. */
  close(): void {
    if (this.#fd === null) return;
    try {
      this.flush();
    } catch {
      // A failed fsync has been reported (and made sticky); closing goes on regardless.
    }
    if (this.#syncingFd === this.#fd) this.#closeAfterSync = true;
    else closeSync(this.#fd);
    this.#fd = null;
    this.#inode = -1;
  }

  #descriptor(): number {
    if (this.#fd === null) this.#fd = openSync(this.path, 'r+');
    return this.#fd;
  }

  #cutBack(fd: number, size: number): void {
    try {
      ftruncateSync(fd, size);
    } catch {
      // The logical end still hides the torn bytes; recovery truncates them at the next start.
    }
  }
}

/** fsync a directory, making the creation, rename or removal of its entries durable. */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
