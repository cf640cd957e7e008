// RecordWriter: formats the records of fetched batches into an OutputBuffer and writes it to
// stdout, honouring backpressure and stopping conditions (-c, --until, stop offsets). A closed
// stdout (`| head -3`) ends everything quietly: `closed` turns true and nothing more is written.
// Output buffers come from a small pool and go back to it when stdout has taken their bytes.
import type { Writable } from 'node:stream';
import type { FetchedPartition } from '../../client/consumer.js';
import { BufferPool } from '../../common/buffer-pool.js';
import { ATTRIBUTES_OFFSET, COMPRESSION_MASK, batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../../records/record-batch.js';
import { RecordCursor } from '../../records/record-cursor.js';
import type { RecordFilter } from '../format/record-filter.js';
import type { RecordFormatter } from '../format/record-format.js';
import { OutputBuffer } from '../output-buffer.js';
import { packValues } from './pack-values.js';

export interface RecordWriterOptions {
  format: RecordFormatter;
  filter: RecordFilter | null;
  /** Stop after this many records are written; null for no limit. */
  count: number | null;
  /** A partition ends at its first record with a timestamp at or after this. */
  untilTimestamp: number | null;
  /** Write each record at once (tail -f behaviour) instead of once per fetch. */
  flushEachRecord?: boolean;
  /**
   * The format is `value` (the value and a newline): values are then packed in place inside the
   * fetched bytes, which this writer owns, instead of being copied into an output buffer.
   */
  valueOnly?: boolean;
}

/** What the writer learned from one partition's data. */
export interface PartitionProgress {
  /** Offset after the last record consumed (written or filtered out). */
  nextOffset: number;
  /** The partition reached a stop condition at this offset. */
  stoppedAt: number | null;
}

const FLUSH_BYTES = 1 << 20;
const NEWLINE = 0x0a;
/** Output buffers kept: one being filled and one being written, with room for a second write. */
const FREE_OUTPUT_BUFFERS = 2;

/** Whether every batch in `records` is uncompressed (its records are in `records` itself). */
function allUncompressed(records: Buffer): boolean {
  for (let pos = 0; pos < records.length; pos += batchSizeAt(records, pos)) {
    if ((records.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_MASK) !== 0) return false;
  }
  return true;
}

export class RecordWriter {
  readonly #pool = new BufferPool({ maxFree: FREE_OUTPUT_BUFFERS });
  readonly #out = new OutputBuffer(1 << 20, this.#pool);
  readonly #cursor = new RecordCursor();
  readonly #stdout: Writable;
  readonly #options: RecordWriterOptions;
  #written = 0;
  #closed = false;
  #pending: Promise<void> | null = null;
  /** Actions waiting for the newest stdout write to be handed to the OS (write callback). */
  #afterNewestWrite: Array<(written: boolean) => void> | null = null;
  /** Packed values (valueOnly) waiting to be written, in order, before what is in #out. */
  #ready: Buffer[] = [];
  #readyBytes = 0;

  constructor(stdout: Writable, options: RecordWriterOptions) {
    this.#stdout = stdout;
    this.#options = options;
    stdout.on('error', () => {
      // EPIPE and friends: the reader is gone; stop quietly.
      this.#closed = true;
    });
  }

  get written(): number {
    return this.#written;
  }

  /** True once -c is satisfied or stdout closed: the caller stops consuming. */
  get done(): boolean {
    return this.#closed || (this.#options.count !== null && this.#written >= this.#options.count);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Format the records of one partition's fetched data. */
  async writePartition(data: FetchedPartition): Promise<PartitionProgress> {
    if (this.#options.valueOnly && !this.#options.flushEachRecord && allUncompressed(data.records)) {
      const progress = this.#options.filter === null ? this.#packAll(data) : this.#packValues(data);
      if (this.#readyBytes >= FLUSH_BYTES) await this.flush();
      return progress;
    }
    const { records, topic, partition, fetchOffset, stopOffset } = data;
    const { format, filter, untilTimestamp, count } = this.#options;
    const cursor = this.#cursor;
    const out = this.#out;
    let nextOffset = fetchOffset;
    let pos = 0;
    while (pos < records.length && !this.done) {
      const size = batchSizeAt(records, pos);
      if (readBaseOffset(records, pos) + readLastOffsetDelta(records, pos) < fetchOffset) {
        pos += size;
        continue;
      }
      cursor.open(records, pos, size);
      pos += size;
      while (cursor.next()) {
        const offset = cursor.offset;
        if (offset < fetchOffset) continue;
        if (stopOffset !== undefined && offset >= stopOffset) return { nextOffset, stoppedAt: stopOffset };
        if (untilTimestamp !== null && cursor.timestamp >= untilTimestamp) return { nextOffset, stoppedAt: offset };
        nextOffset = offset + 1;
        if (cursor.isControl || (filter !== null && !filter(cursor))) continue;
        format(cursor, topic, partition, out);
        this.#written++;
        if (this.#options.flushEachRecord || out.length >= FLUSH_BYTES) await this.flush();
        if (count !== null && this.#written >= count) return { nextOffset, stoppedAt: null };
        if (this.#closed) return { nextOffset, stoppedAt: null };
      }
      nextOffset = Math.max(nextOffset, cursor.baseOffset + readLastOffsetDelta(records, pos - size) + 1);
    }
    return { nextOffset, stoppedAt: null };
  }

  /** The `value` format with no filter: pack-values.ts, then queue the packed bytes. */
  #packAll(data: FetchedPartition): PartitionProgress {
    const { count, untilTimestamp } = this.#options;
    const result = packValues(data.records, {
      fetchOffset: data.fetchOffset,
      stopOffset: data.stopOffset ?? Infinity,
      untilTimestamp,
      maxRecords: count === null ? Infinity : count - this.#written,
    });
    this.#written += result.records;
    this.#queuePacked(data.records, result.bytes);
    return { nextOffset: result.nextOffset, stoppedAt: result.stoppedAt };
  }

  /** Packed output at records[0, bytes) goes out after what #out already holds. */
  #queuePacked(records: Buffer, bytes: number): void {
    if (bytes === 0 || this.#closed) return;
    if (this.#out.length > 0) this.#ready.push(this.#out.take());
    this.#ready.push(records.subarray(0, bytes));
    this.#readyBytes += bytes;
  }

  /**
   * The `value` format with a filter, packed in place the same way (see pack-values.ts) but
   * through the cursor, which the filter reads.
   */
  #packValues(data: FetchedPartition): PartitionProgress {
    const { records, fetchOffset, stopOffset } = data;
    const { filter, untilTimestamp, count } = this.#options;
    const cursor = this.#cursor;
    let nextOffset = fetchOffset;
    let stoppedAt: number | null = null;
    let w = 0;
    let pos = 0;
    scan: while (pos < records.length) {
      const size = batchSizeAt(records, pos);
      // Read the header before packing: packed values may be written over it.
      const lastOffset = readBaseOffset(records, pos) + readLastOffsetDelta(records, pos);
      if (lastOffset < fetchOffset) {
        pos += size;
        continue;
      }
      cursor.open(records, pos, size);
      pos += size;
      while (cursor.next()) {
        const offset = cursor.offset;
        if (offset < fetchOffset) continue;
        if (stopOffset !== undefined && offset >= stopOffset) {
          stoppedAt = stopOffset;
          break scan;
        }
        if (untilTimestamp !== null && cursor.timestamp >= untilTimestamp) {
          stoppedAt = offset;
          break scan;
        }
        nextOffset = offset + 1;
        if (cursor.isControl || (filter !== null && !filter(cursor))) continue;
        const length = cursor.valueLength;
        if (length > 0) {
          records.copyWithin(w, cursor.valueStart, cursor.valueStart + length);
          w += length;
        }
        records[w++] = NEWLINE;
        this.#written++;
        if (count !== null && this.#written >= count) break scan;
      }
      nextOffset = Math.max(nextOffset, lastOffset + 1);
    }
    this.#queuePacked(records, w);
    return { nextOffset, stoppedAt };
  }

  /** Hand what is formatted to stdout; waits while stdout's buffer is full. */
  async flush(): Promise<void> {
    if (this.#pending !== null) await this.#pending;
    if ((this.#out.length === 0 && this.#ready.length === 0) || this.#closed) {
      this.#out.clear();
      this.#ready = [];
      this.#readyBytes = 0;
      return;
    }
    const chunks = this.#ready;
    if (this.#out.length > 0) chunks.push(this.#out.take());
    this.#ready = [];
    this.#readyBytes = 0;
    const actions: Array<(written: boolean) => void> = [];
    this.#afterNewestWrite = actions;
    for (let i = 0; i < chunks.length - 1; i++) this.#stdout.write(chunks[i]!);
    // Chunks are written in order: when the last is done, so are the others.
    const accepted = this.#stdout.write(chunks[chunks.length - 1]!, (err) => {
      for (const chunk of chunks) this.#pool.give(chunk); // ignored for packed fetched bytes
      if (this.#afterNewestWrite === actions) this.#afterNewestWrite = null;
      for (const action of actions) action(!err);
    });
    if (accepted) return;
    this.#pending = new Promise<void>((resolve) => {
      const done = () => {
        this.#stdout.off('drain', done);
        this.#stdout.off('error', done);
        this.#stdout.off('close', done);
        this.#pending = null;
        resolve();
      };
      this.#stdout.once('drain', done);
      this.#stdout.once('error', done);
      this.#stdout.once('close', done);
    });
    await this.#pending;
  }

  /**
   * Run `action` once everything written so far has reached the OS (stdout's write callback),
   * with true, or with false if stdout failed (closed pipe): what a consumer group may commit.
   * At once when nothing is outstanding.
   */
  whenWritten(action: (written: boolean) => void): void {
    if (this.#afterNewestWrite === null) action(!this.#closed);
    else this.#afterNewestWrite.push(action);
  }

  /** Wait until stdout has taken everything written (before the process ends). */
  async finish(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => this.whenWritten(() => resolve()));
  }
}
