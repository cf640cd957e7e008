// Traffic counters per topic since the broker started: records and bytes appended and served.
// `spool top` turns two readings a second apart into rates. Served records are counted from
// batch headers (whole batches), so a fetch that starts mid-batch counts a few records twice.
import { batchSizeAt, readLastOffsetDelta } from '../records/record-batch.js';

export interface TopicTraffic {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

export class TopicStats {
  readonly #byTopic = new Map<string, TopicTraffic>();

  #of(topic: string): TopicTraffic {
    let traffic = this.#byTopic.get(topic);
    if (traffic === undefined) this.#byTopic.set(topic, (traffic = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 }));
    return traffic;
  }

  appended(topic: string, records: number, bytes: number): void {
    const t = this.#of(topic);
    t.messagesIn += records;
    t.bytesIn += bytes;
  }

  served(topic: string, batches: Buffer): void {
    if (batches.length === 0) return;
    const t = this.#of(topic);
    t.bytesOut += batches.length;
    for (let pos = 0; pos < batches.length; pos += batchSizeAt(batches, pos)) t.messagesOut += readLastOffsetDelta(batches, pos) + 1;
  }

  get(topic: string): TopicTraffic {
    return { ...this.#of(topic) };
  }

  forget(topic: string): void {
    this.#byTopic.delete(topic);
  }
}
