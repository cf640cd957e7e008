// RecordChannel: the record sink (client/reading/record-sink.ts) between a read loop and a
// program's `for await`. The loop hands over one partition's fetched data at a time and waits;
// each next() of the program walks that data to its next record. Only when the program has
// pulled the last record of the data does the loop go on (and fetch more), so a program that
// stops pulling stops the fetching: nothing is read ahead beyond the fetch already in flight.
// Records are views into the fetched bytes, which the channel never hands back for reuse.
import type { FetchedPartition } from '../client/consumer.js';
import type { PartitionProgress, RecordSink } from '../client/reading/record-sink.js';
import { batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../records/record-batch.js';
import { RecordCursor } from '../records/record-cursor.js';
import type { ConsumedRecord } from './records.js';

type Result = IteratorResult<ConsumedRecord, undefined>;

interface Waiter {
  resolve: (result: Result) => void;
  reject: (err: Error) => void;
}

const DONE: Result = { done: true, value: undefined };
const EMPTY = Buffer.alloc(0);

/** Where the walk through one partition's data is. */
interface Walk {
  data: FetchedPartition;
  /** Position of the next batch in data.records. */
  pos: number;
  /** A batch is open in the cursor. */
  inBatch: boolean;
  /** The offset after the open batch's last record (compaction may have removed records). */
  batchEnd: number;
  nextOffset: number;
  handedOver: (progress: PartitionProgress) => void;
}

export interface RecordChannelOptions {
  /** A partition ends at its first record with a timestamp at or after this (`until: '@TIME'`). */
  untilTimestamp: number | null;
  /** Told, as the program receives records, the offset after the last one of each partition. */
  onTaken?: (topic: string, partition: number, nextOffset: number) => void;
}

export class RecordChannel implements RecordSink {
  readonly releasesFetched = false;
  readonly #cursor = new RecordCursor();
  readonly #options: RecordChannelOptions;
  #walk: Walk | null = null;
  #waiters: Waiter[] = [];
  #closed = false;
  #paused = false;
  /** The read loop ended: with an error, or (null) at the end of what was asked. */
  #ended: { error: Error | null } | null = null;

  constructor(options: RecordChannelOptions) {
    this.#options = options;
  }

  get done(): boolean {
    return this.#closed;
  }

  get paused(): boolean {
    return this.#paused;
  }

  writePartition(data: FetchedPartition): Promise<PartitionProgress> {
    if (this.#closed) return Promise.resolve({ nextOffset: data.fetchOffset, stoppedAt: null });
    return new Promise((handedOver) => {
      this.#walk = { data, pos: 0, inBatch: false, batchEnd: 0, nextOffset: data.fetchOffset, handedOver };
      this.#serve();
    });
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  /** The program's next record: at once from the data in hand, or once the loop hands more over. */
  next(): Promise<Result> {
    if (this.#closed) return Promise.resolve(DONE);
    if (this.#waiters.length === 0 && !this.#paused) {
      const record = this.#take();
      if (record !== null) return Promise.resolve({ done: false, value: record });
      if (this.#ended !== null) return this.#endResult();
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#serve();
  }

  /** The read loop is over; `error` is why, when it failed. */
  end(error: Error | null): void {
    this.#ended ??= { error };
    this.#serve();
  }

  /** The program wants no more: the loop stops at its next step, waiting next() calls end. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const walk = this.#walk;
    this.#walk = null;
    walk?.handedOver({ nextOffset: walk.nextOffset, stoppedAt: null });
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(DONE);
  }

  #endResult(): Promise<Result> {
    const error = this.#ended?.error ?? null;
    if (error === null) return Promise.resolve(DONE);
    // The error is told once; next() after it says the stream is over.
    this.#ended = { error: null };
    this.#closed = true;
    return Promise.reject(error);
  }

  /** Hand records to waiting next() calls while there are records and no pause. */
  #serve(): void {
    while (this.#waiters.length > 0 && !this.#paused && !this.#closed) {
      const record = this.#take();
      if (record !== null) {
        this.#waiters.shift()!.resolve({ done: false, value: record });
        continue;
      }
      if (this.#ended === null) return;
      const waiter = this.#waiters.shift()!;
      this.#endResult().then(waiter.resolve, waiter.reject);
    }
  }

  /** The next record of the data in hand; null (and the data handed back) when there is none. */
  #take(): ConsumedRecord | null {
    const walk = this.#walk;
    return walk === null ? null : this.#advance(walk);
  }

  #advance(walk: Walk): ConsumedRecord | null {
    const { records, topic, partition, fetchOffset, stopOffset } = walk.data;
    const cursor = this.#cursor;
    const until = this.#options.untilTimestamp;
    for (;;) {
      if (!walk.inBatch) {
        if (walk.pos >= records.length) return this.#handBack(walk, null);
        const size = batchSizeAt(records, walk.pos);
        const lastOffset = readBaseOffset(records, walk.pos) + readLastOffsetDelta(records, walk.pos);
        if (lastOffset < fetchOffset) {
          walk.pos += size;
          continue;
        }
        cursor.open(records, walk.pos, size);
        walk.pos += size;
        walk.inBatch = true;
        walk.batchEnd = lastOffset + 1;
      }
      if (!cursor.next()) {
        walk.inBatch = false;
        // Offsets that compaction removed from the batch still count as read.
        walk.nextOffset = Math.max(walk.nextOffset, walk.batchEnd);
        continue;
      }
      const offset = cursor.offset;
      if (offset < fetchOffset) continue;
      if (stopOffset !== undefined && offset >= stopOffset) return this.#handBack(walk, stopOffset);
      if (until !== null && cursor.timestamp >= until) return this.#handBack(walk, offset);
      walk.nextOffset = offset + 1;
      if (cursor.isControl) continue;
      this.#options.onTaken?.(topic, partition, walk.nextOffset);
      return {
        topic,
        partition,
        offset,
        timestamp: cursor.timestamp,
        key: cursor.key(),
        value: cursor.value(),
        headers: cursor.headers().map((h): [string, Buffer] => [h.key, h.value ?? EMPTY]),
      };
    }
  }

  /** The data is walked to its end (or a stop): the loop may go on. */
  #handBack(walk: Walk, stoppedAt: number | null): null {
    this.#walk = null;
    this.#options.onTaken?.(walk.data.topic, walk.data.partition, walk.nextOffset);
    walk.handedOver({ nextOffset: walk.nextOffset, stoppedAt });
    return null;
  }
}
