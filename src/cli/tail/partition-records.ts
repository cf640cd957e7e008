// PartitionRecords: the records of one partition between two offsets, as fetched (whole stored
// batches, possibly starting below the first wanted offset and ending past the last). A walker
// steps a RecordCursor over them in offset order, skipping records outside [from, to), control
// records, and anything a later fetch repeated.
import type { FetchedPartition } from '../../client/consumer.js';
import { batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../../records/record-batch.js';
import { RecordCursor } from '../../records/record-cursor.js';

export class PartitionRecords {
  readonly topic: string;
  readonly partition: number;
  /** First offset wanted. */
  readonly fromOffset: number;
  /** Offset after the last wanted (the log end when reading started). */
  readonly toOffset: number;
  readonly chunks: Buffer[] = [];

  constructor(topic: string, partition: number, fromOffset: number, toOffset: number) {
    this.topic = topic;
    this.partition = partition;
    this.fromOffset = fromOffset;
    this.toOffset = toOffset;
  }

  add(data: FetchedPartition): void {
    if (data.records.length > 0) this.chunks.push(data.records);
  }

  walker(): PartitionWalker {
    return new PartitionWalker(this);
  }
}

/** Steps through a PartitionRecords; after next() returns true, `cursor` is on the record. */
export class PartitionWalker {
  readonly cursor = new RecordCursor();
  readonly #records: PartitionRecords;
  #chunk = -1;
  #data: Buffer | null = null;
  #pos = 0;
  #open = false;
  #nextOffset: number;

  constructor(records: PartitionRecords) {
    this.#records = records;
    this.#nextOffset = records.fromOffset;
  }

  get topic(): string {
    return this.#records.topic;
  }

  get partition(): number {
    return this.#records.partition;
  }

  next(): boolean {
    const to = this.#records.toOffset;
    for (;;) {
      if (this.#open) {
        while (this.cursor.next()) {
          const offset = this.cursor.offset;
          if (offset < this.#nextOffset) continue;
          if (offset >= to) return this.#finish();
          this.#nextOffset = offset + 1;
          if (this.cursor.isControl) continue;
          return true;
        }
        this.#open = false;
      }
      if (!this.#openNextBatch()) return false;
    }
  }

  #openNextBatch(): boolean {
    for (;;) {
      if (this.#data === null || this.#pos >= this.#data.length) {
        this.#chunk++;
        if (this.#chunk >= this.#records.chunks.length) return false;
        this.#data = this.#records.chunks[this.#chunk]!;
        this.#pos = 0;
      }
      const data = this.#data;
      const pos = this.#pos;
      const size = batchSizeAt(data, pos);
      this.#pos += size;
      const base = readBaseOffset(data, pos);
      if (base >= this.#records.toOffset) return this.#finish();
      if (base + readLastOffsetDelta(data, pos) < this.#nextOffset) continue;
      this.cursor.open(data, pos, size);
      this.#open = true;
      return true;
    }
  }

  #finish(): false {
    this.#open = false;
    this.#chunk = this.#records.chunks.length;
    this.#data = null;
    return false;
  }
}
