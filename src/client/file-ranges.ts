// FileRanges: the parts of the broker's segment files that a LocalFetch told this consumer to read
// itself (protocol/messages/local-fetch.ts), one range per partition, read a chunk of whole
// batches at a time straight out of the page cache.
//
// A range's file is opened at its first read and checked to be the inode the broker named
// (compaction renames a new file over the path); the descriptor is closed when the range is used
// up, dropped or fails, when close() is called, and, for a consumer let go of half-way, when the
// collector takes it. Reads are synchronous, as the broker's own: a megabyte out of the page cache
// takes about 130 µs here, less than the two wake-ups of a trip through the thread pool (a backlog
// of 205 MB of 1 KiB records was read and written out 5 % faster so; opening the file for every
// read instead of once cost another 5 %).
//
// Whatever goes wrong (the file was deleted by retention or replaced, or this process cannot see
// or open the broker's files: another user, another mount namespace) drops the range, and the
// partition is asked of the broker again. After a few failures in a row ranges are refused for
// good and every fetch carries the bytes.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileRange } from '../protocol/messages/fetch.js';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, batchSizeAt, endOffsetOf, readBaseOffset, readLastOffsetDelta } from '../records/record-batch.js';

/** Failures in a row after which ranges are refused (a persistent cause: the files are out of reach). */
const MAX_FAILURES_IN_A_ROW = 3;

interface OpenRange {
  path: string;
  inode: number;
  /** Open from the first read on; null before it. */
  fd: number | null;
  /** Where the next read starts: a batch boundary. */
  position: number;
  end: number;
  endOffset: number;
  /** The offset the consumer will ask for next when it goes on from this range. */
  nextOffset: number;
  logStartOffset: number;
  highWatermark: number;
}

export interface RangeRead {
  /** Whole batches; empty when the range failed (and was dropped). */
  records: Buffer;
  logStartOffset: number;
  highWatermark: number;
}

export interface ReadMemory {
  take(size: number): Buffer;
}

/** The descriptors of ranges not yet closed, closed when their FileRanges is collected. */
const leftOpen = new FinalizationRegistry<Set<number>>((fds) => {
  for (const fd of fds) closeQuietly(fd);
});

export class FileRanges {
  readonly #ranges = new Map<string, OpenRange>();
  readonly #memory: ReadMemory;
  /** Shared with `leftOpen`: a descriptor closed here must leave it, or its number could be closed again. */
  readonly #open = new Set<number>();
  #failures = 0;
  #refused = false;

  /** `memory`: where a batch larger than the space a read is given goes (given back by the consumer's recycle(), like a response). */
  constructor(memory: ReadMemory) {
    this.#memory = memory;
    leftOpen.register(this, this.#open, this);
  }

  /** Whether fetches may ask for file ranges. */
  get wanted(): boolean {
    return !this.#refused;
  }

  /** Whether some partition is being read from a range. */
  get holding(): boolean {
    return this.#ranges.size > 0;
  }

  /** Ask for bytes only from now on (the broker does not know LocalFetch, or the files are out of reach). */
  refuse(): void {
    this.#refused = true;
    this.close();
  }

  /** Drop every range and close its file. Reading can go on: the broker is asked again. */
  close(): void {
    for (const key of [...this.#ranges.keys()]) this.drop(key);
  }

  add(key: string, fetchOffset: number, file: FileRange, logStartOffset: number, highWatermark: number): void {
    this.drop(key);
    if (this.#refused || file.end <= file.position) return;
    this.#ranges.set(key, { ...file, fd: null, nextOffset: fetchOffset, logStartOffset, highWatermark });
  }

  /** Whether the partition's next read, at `offset`, comes from its range (a position moved elsewhere drops it). */
  covers(key: string, offset: number): boolean {
    const range = this.#ranges.get(key);
    if (range === undefined) return false;
    if (range.nextOffset === offset) return true;
    this.drop(key);
    return false;
  }

  drop(key: string): void {
    const range = this.#ranges.get(key);
    if (range === undefined) return;
    this.#ranges.delete(key);
    if (range.fd === null) return;
    this.#open.delete(range.fd);
    closeQuietly(range.fd);
  }

  /** Bytes left in the partition's range (0 without one). */
  remaining(key: string): number {
    const range = this.#ranges.get(key);
    return range === undefined ? 0 : range.end - range.position;
  }

  /**
   * Whole batches from the partition's range, read into `space` as far as they fit. A first batch
   * larger than `space` is read into memory of its own with `spill`, and otherwise left for a
   * later read (nothing comes back, and the range stays).
   */
  read(key: string, space: Buffer, spill = true): RangeRead {
    const range = this.#ranges.get(key)!;
    const bounds = { logStartOffset: range.logStartOffset, highWatermark: range.highWatermark };
    try {
      const records = this.#readBatches(range, space, spill);
      if (records.length === 0) return { records, ...bounds };
      this.#failures = 0;
      range.position += records.length;
      range.nextOffset = endOffsetOf(records);
      if (range.position >= range.end) this.drop(key);
      return { records, ...bounds };
    } catch {
      this.drop(key);
      if (++this.#failures >= MAX_FAILURES_IN_A_ROW) this.refuse();
      return { records: EMPTY, ...bounds };
    }
  }

  #readBatches(range: OpenRange, space: Buffer, spill: boolean): Buffer {
    const fd = range.fd ?? this.#openFile(range);
    const chunk = readExactly(fd, space.subarray(0, Math.min(space.length, range.end - range.position)), range.position);
    const whole = wholeBatches(chunk, range);
    if (whole > 0) return chunk.subarray(0, whole);
    const size = chunk.length >= LOG_OVERHEAD ? batchSizeAt(chunk, 0) : 0;
    if (size < BATCH_HEADER_SIZE || range.position + size > range.end) throw new Error(`no batch at ${range.path}:${range.position}`);
    if (!spill) return EMPTY;
    const batch = readExactly(fd, this.#memory.take(size), range.position);
    if (wholeBatches(batch, range) !== size) throw new Error(`no batch at ${range.path}:${range.position}`);
    return batch;
  }

  #openFile(range: OpenRange): number {
    const fd = openSync(range.path, 'r');
    this.#open.add(fd);
    range.fd = fd;
    if (fstatSync(fd).ino !== range.inode) throw new Error(`${range.path} is another file now`);
    return fd;
  }
}

/**
 * The length of the whole batches at the start of `chunk`. A batch that cannot be there (a length
 * below a header, offsets past the range's end) means the file is not what the broker described.
 */
function wholeBatches(chunk: Buffer, range: OpenRange): number {
  let pos = 0;
  while (pos + LOG_OVERHEAD <= chunk.length) {
    const size = batchSizeAt(chunk, pos);
    if (size < BATCH_HEADER_SIZE) throw new Error(`a batch of ${size} bytes in ${range.path}`);
    if (pos + size > chunk.length) break;
    if (readBaseOffset(chunk, pos) + readLastOffsetDelta(chunk, pos) >= range.endOffset) throw new Error(`a batch past the range in ${range.path}`);
    pos += size;
  }
  return pos;
}

/** `buf` filled from `position` on; a file shorter than that is not what the broker described. */
function readExactly(fd: number, buf: Buffer, position: number): Buffer {
  let filled = 0;
  while (filled < buf.length) {
    const n = readSync(fd, buf, filled, buf.length - filled, position + filled);
    if (n === 0) throw new Error(`the file ends before ${position + buf.length}`);
    filled += n;
  }
  return buf;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already gone: nothing held.
  }
}

const EMPTY = Buffer.alloc(0);
