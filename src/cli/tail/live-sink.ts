// From fetched batches to the live view's feed: each record at or past the fetch offset that is
// not a control record and passes --grep is copied out as a TailRecord; the rest only count.
// Between batches it waits while the feed is full, which is how a paused or slow view slows the
// fetch loop instead of growing memory.
import type { FetchedPartition } from '../../client/consumer.js';
import { batchSizeAt, readBaseOffset, readLastOffsetDelta } from '../../records/record-batch.js';
import { RecordCursor } from '../../records/record-cursor.js';
import type { RecordFilter } from '../format/record-filter.js';
import type { LiveFeed } from '../../ui/live-feed.js';
import type { TailRecordCapture } from './tail-record.js';

export class LiveSink {
  readonly #feed: LiveFeed;
  readonly #capture: TailRecordCapture;
  readonly #filter: RecordFilter | null;
  readonly #cursor = new RecordCursor();

  constructor(feed: LiveFeed, capture: TailRecordCapture, filter: RecordFilter | null) {
    this.#feed = feed;
    this.#capture = capture;
    this.#filter = filter;
  }

  /** The record under `cursor` (history): into the feed, or only counted when filtered out. */
  add(cursor: RecordCursor, topic: string, partition: number): void {
    if (this.#filter !== null && !this.#filter(cursor)) this.#feed.skip(1);
    else this.#feed.push(this.#capture.capture(cursor, topic, partition));
  }

  async write(data: FetchedPartition): Promise<void> {
    const { records, topic, partition, fetchOffset } = data;
    const cursor = this.#cursor;
    let pos = 0;
    while (pos < records.length) {
      const size = batchSizeAt(records, pos);
      if (readBaseOffset(records, pos) + readLastOffsetDelta(records, pos) >= fetchOffset) {
        cursor.open(records, pos, size);
        while (cursor.next()) {
          if (cursor.offset < fetchOffset || cursor.isControl) continue;
          this.add(cursor, topic, partition);
        }
      }
      pos += size;
      if (this.#feed.full) await this.#feed.whenRoom();
    }
  }
}
