// RecordWriter: formats the records of fetched batches into an OutputBuffer and writes it to
// stdout, honouring backpressure and stopping conditions (-c, --until, stop offsets). A closed
// stdout (`| head -3`) ends everything quietly: `closed` turns true and nothing more is written.
// Output goes out as chunks that end at a record's end, one write at a time; a chunk counts as
// written once stdout's write callback says the OS took all of it, and with `onWritten` the
// partition offsets each chunk completes are reported then (what a consumer group commits).
import type { Writable } from 'node:stream';
import type { FetchedPartition } from '../../client/consumer.js';
import type { PartitionProgress, RecordSink } from '../../client/reading/record-sink.js';
import { ATTRIBUTES_OFFSET, COMPRESSION_MASK, batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../../records/record-batch.js';
import { RecordCursor } from '../../records/record-cursor.js';
import type { RecordFilter } from '../format/record-filter.js';
import type { RecordFormatter } from '../format/record-format.js';
import { OutputBuffer } from '../output-buffer.js';
import { packValues, type PackChunking } from './pack-values.js';

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
  /**
   * Called once stdout has taken every record of the partition below `nextOffset`; never for a
   * record still in this writer's or the stream's buffers when stdout failed (a closed pipe).
   */
  onWritten?: (topic: string, partition: number, nextOffset: number) => void;
  /**
   * stdout takes a write whole or fails it whole (a file, /dev/null, a terminal: Node writes them
   * synchronously), so reported chunks may be as large as a flush. Not so a pipe or a socket.
   */
  wholeWrites?: boolean;
}

const FLUSH_BYTES = 1 << 20;
/**
 * Chunk size when offsets are reported to a pipe or a socket. A pipe closed midway cannot say how
 * much of the chunk in flight it took, so none of that chunk counts as written: smaller chunks
 * repeat fewer records to the next reader of a group, larger ones cost more write calls. 64 KiB is
 * a pipe's buffer. Where writes are whole (wholeWrites), chunks are FLUSH_BYTES: `consume -g -e >
 * file` of 100 MB made 1,563 writes of 64 KiB, each waited for, 20 ms of a 280 ms run.
 */
const REPORTED_CHUNK_BYTES = 64 << 10;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** How far a partition was consumed by the records before this point of the output. */
interface PartitionMark {
  topic: string;
  partition: number;
  nextOffset: number;
}

/** Bytes for one stdout write, and the partition progress that is written once they are. */
interface Chunk {
  bytes: Buffer;
  marks: PartitionMark[];
}

/** Whether every batch in `records` is uncompressed (its records are in `records` itself). */
function allUncompressed(records: Buffer): boolean {
  for (let pos = 0; pos < records.length; pos += batchSizeAt(records, pos)) {
    if ((records.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_MASK) !== 0) return false;
  }
  return true;
}

export class RecordWriter implements RecordSink {
  /** The value format packs values inside the fetched bytes; nothing refers to them after flush(). */
  readonly releasesFetched = true;
  readonly #out = new OutputBuffer();
  readonly #cursor = new RecordCursor();
  readonly #stdout: Writable;
  readonly #options: RecordWriterOptions;
  /** Output up to this size is one chunk (unless a flush comes first). */
  readonly #chunkBytes: number;
  #written = 0;
  #closed = false;
  /** Chunks waiting to be written, in order; packed values (valueOnly) come here directly. */
  #chunks: Chunk[] = [];
  #chunkedBytes = 0;
  /** Progress reached by the records in #out, reported with the chunk they end up in. */
  #marks: PartitionMark[] = [];
  /** The chunk being written; one at a time, so stdout never merges two into one write. */
  #writing: Promise<void> | null = null;

  constructor(stdout: Writable, options: RecordWriterOptions) {
    this.#stdout = stdout;
    this.#options = options;
    this.#chunkBytes = options.onWritten === undefined || options.wholeWrites === true ? FLUSH_BYTES : REPORTED_CHUNK_BYTES;
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
    const packed = this.#options.valueOnly && !this.#options.flushEachRecord && allUncompressed(data.records);
    let progress: PartitionProgress;
    if (!packed) progress = await this.#formatRecords(data);
    else if (this.#options.filter === null) progress = this.#packAll(data);
    else progress = this.#packValues(data);
    this.#mark(data.topic, data.partition, progress.nextOffset);
    if (this.#chunkedBytes >= FLUSH_BYTES) await this.flush();
    return progress;
  }

  async #formatRecords(data: FetchedPartition): Promise<PartitionProgress> {
    const { records, topic, partition, fetchOffset, stopOffset } = data;
    const { format, filter, untilTimestamp, count, flushEachRecord } = this.#options;
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
        if (flushEachRecord || out.length >= this.#chunkBytes) {
          this.#mark(topic, partition, nextOffset);
          this.#seal();
          if (flushEachRecord || this.#chunkedBytes >= FLUSH_BYTES) await this.flush();
        }
        if (count !== null && this.#written >= count) return { nextOffset, stoppedAt: null };
        if (this.#closed) return { nextOffset, stoppedAt: null };
      }
      nextOffset = Math.max(nextOffset, cursor.baseOffset + readLastOffsetDelta(records, pos - size) + 1);
    }
    return { nextOffset, stoppedAt: null };
  }

  /**
   * The `value` format with no filter: one pass over the batches (pack-values.ts), the packed
   * bytes queued as one chunk, or as chunks of #chunkBytes when progress is reported per chunk.
   */
  #packAll(data: FetchedPartition): PartitionProgress {
    const { records, topic, partition } = data;
    const { count, untilTimestamp } = this.#options;
    // What is in #out was formatted before these values: it goes out first.
    this.#seal();
    let chunkStart = 0;
    const chunking: PackChunking | null =
      this.#options.onWritten === undefined
        ? null
        : {
            bytes: this.#chunkBytes,
            onChunk: (end, nextOffset) => {
              this.#pushChunk(records.subarray(chunkStart, end), [{ topic, partition, nextOffset }]);
              chunkStart = end;
            },
          };
    const limits = { fetchOffset: data.fetchOffset, stopOffset: data.stopOffset ?? Infinity, untilTimestamp, maxRecords: count === null ? Infinity : count - this.#written };
    const result = packValues(records, limits, chunking);
    this.#written += result.records;
    if (result.bytes > chunkStart) this.#pushChunk(records.subarray(chunkStart, result.bytes), []);
    return { nextOffset: result.nextOffset, stoppedAt: result.stoppedAt };
  }

  /**
   * The `value` format with a filter, which needs the cursor: each value is moved down inside
   * the fetched bytes with copyWithin (a third of the cost of a copy to another buffer) and
   * followed by a newline, so the packed values end up at the front of `records`, ready to write.
   * Safe because the write position never passes the read position: a value and its newline take
   * fewer bytes than the record they come from, and every byte moved over was already decoded.
   */
  #packValues(data: FetchedPartition): PartitionProgress {
    const { records, topic, partition, fetchOffset, stopOffset } = data;
    const { filter, untilTimestamp, count } = this.#options;
    const cursor = this.#cursor;
    let nextOffset = fetchOffset;
    let stoppedAt: number | null = null;
    // What is in #out was formatted before these values: it goes out first.
    this.#seal();
    let w = 0;
    let chunkStart = 0;
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
        if (w - chunkStart >= this.#chunkBytes && !this.#closed) {
          this.#pushChunk(records.subarray(chunkStart, w), this.#tracked(topic, partition, nextOffset));
          chunkStart = w;
        }
        if (count !== null && this.#written >= count) break scan;
      }
      nextOffset = Math.max(nextOffset, lastOffset + 1);
    }
    if (w > chunkStart && !this.#closed) this.#pushChunk(records.subarray(chunkStart, w), []);
    return { nextOffset, stoppedAt };
  }

  /** Write everything formatted so far, chunk by chunk; resolves when stdout has taken it all. */
  async flush(): Promise<void> {
    this.#seal();
    while (this.#writing !== null) await this.#writing;
    while (this.#chunks.length > 0) {
      const chunk = this.#chunks.shift()!;
      this.#chunkedBytes -= chunk.bytes.length;
      if (this.#closed) continue; // never taken: neither written nor reported
      this.#writing = this.#write(chunk);
      await this.#writing;
      this.#writing = null;
    }
  }

  /** Wait until stdout has taken everything written (before the process ends). */
  async finish(): Promise<void> {
    await this.flush();
  }

  #write(chunk: Chunk): Promise<void> {
    if (chunk.bytes.length === 0) {
      this.#report(chunk.marks);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let settled = false;
      const settle = (taken: boolean) => {
        if (settled) return;
        settled = true;
        this.#stdout.off('close', onClose);
        if (taken) this.#report(chunk.marks);
        else this.#closed = true;
        resolve();
      };
      // A stream closed under a write may not call it back; it was not taken then.
      const onClose = () => settle(false);
      this.#stdout.once('close', onClose);
      this.#stdout.write(chunk.bytes, (err) => settle(err === null || err === undefined));
    });
  }

  /** `nextOffset` of a partition is reached by what is formatted so far. */
  #mark(topic: string, partition: number, nextOffset: number): void {
    if (this.#options.onWritten !== undefined) this.#marks.push({ topic, partition, nextOffset });
  }

  #tracked(topic: string, partition: number, nextOffset: number): PartitionMark[] {
    return this.#options.onWritten === undefined ? [] : [{ topic, partition, nextOffset }];
  }

  /** Close what #out holds (and the progress it reaches) into a chunk. */
  #seal(): void {
    if (this.#out.length === 0 && this.#marks.length === 0) return;
    this.#pushChunk(this.#out.length > 0 ? this.#out.take() : EMPTY, this.#marks);
    this.#marks = [];
  }

  #pushChunk(bytes: Buffer, marks: PartitionMark[]): void {
    this.#chunks.push({ bytes, marks });
    this.#chunkedBytes += bytes.length;
  }

  #report(marks: readonly PartitionMark[]): void {
    const onWritten = this.#options.onWritten;
    if (onWritten === undefined) return;
    for (const m of marks) onWritten(m.topic, m.partition, m.nextOffset);
  }
}
