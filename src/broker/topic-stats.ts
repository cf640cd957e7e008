// Traffic counters per topic and partition since the broker started: records and bytes appended
// and served. `spool top` turns two readings a second apart into rates; the metrics endpoint
// shows them per partition. Counting costs an array lookup per partition of a request, nothing
// per record. Served records are counted from batch headers (whole batches), so a fetch that
// starts mid-batch counts a few records twice.
import { batchSizeAt, readLastOffsetDelta } from '../records/record-batch.js';

export interface TopicTraffic {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

export class TopicStats {
  /** Per topic, the partitions' counters by partition number (holes for partitions not yet seen). */
  readonly #byTopic = new Map<string, Array<TopicTraffic | undefined>>();

  #of(topic: string, partition: number): TopicTraffic {
    let partitions = this.#byTopic.get(topic);
    if (partitions === undefined) this.#byTopic.set(topic, (partitions = []));
    let traffic = partitions[partition];
    if (traffic === undefined) partitions[partition] = traffic = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };
    return traffic;
  }

  appended(topic: string, partition: number, records: number, bytes: number): void {
    const t = this.#of(topic, partition);
    t.messagesIn += records;
    t.bytesIn += bytes;
  }

  served(topic: string, partition: number, batches: Buffer): void {
    if (batches.length === 0) return;
    const t = this.#of(topic, partition);
    t.bytesOut += batches.length;
    for (let pos = 0; pos < batches.length; pos += batchSizeAt(batches, pos)) t.messagesOut += readLastOffsetDelta(batches, pos) + 1;
  }

  /** A file range a local client reads itself (LocalFetch): its bytes and about its records. */
  servedRange(topic: string, partition: number, bytes: number, messages: number): void {
    const t = this.#of(topic, partition);
    t.bytesOut += bytes;
    t.messagesOut += messages;
  }

  /** The topic's totals over its partitions. */
  get(topic: string): TopicTraffic {
    const total = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };
    for (const t of this.#byTopic.get(topic) ?? []) {
      if (t === undefined) continue;
      total.messagesIn += t.messagesIn;
      total.bytesIn += t.bytesIn;
      total.messagesOut += t.messagesOut;
      total.bytesOut += t.bytesOut;
    }
    return total;
  }

  /** One partition's counters (zeros when it has seen no traffic). */
  partition(topic: string, partition: number): TopicTraffic {
    const t = this.#byTopic.get(topic)?.[partition];
    return t === undefined ? { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 } : { ...t };
  }

  forget(topic: string): void {
    this.#byTopic.delete(topic);
  }
}
