// --print-offsets: `PARTITION OFFSET` for every message, in input order. Messages to different
// partitions are acknowledged in different responses, so each message's partition is queued at
// send time and lines are printed as soon as every earlier message's offset is known. The queue
// holds only messages not yet acknowledged, which the producer's in-flight window bounds.

export class OffsetPrinter {
  #order = new Int32Array(1024);
  #head = 0;
  #tail = 0;
  /** Per partition: acknowledged [baseOffset, count] runs not yet printed. */
  readonly #acked: Array<Array<[number, number]>> = [];
  readonly #write: (text: string) => void;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  sent(partition: number): void {
    if (this.#tail === this.#order.length) this.#grow();
    this.#order[this.#tail++] = partition;
  }

  /** `count` messages sent in a row to `partition`. */
  sentRun(partition: number, count: number): void {
    for (let i = 0; i < count; i++) this.sent(partition);
  }

  acked(partition: number, baseOffset: number, count: number): void {
    (this.#acked[partition] ??= []).push([baseOffset, count]);
    let out = '';
    while (this.#head < this.#tail) {
      const p = this.#order[this.#head]!;
      const runs = this.#acked[p];
      const run = runs?.[0];
      if (run === undefined) break;
      out += `${p} ${run[0]}\n`;
      run[0]++;
      if (--run[1] === 0) runs!.shift();
      this.#head++;
    }
    if (out !== '') this.#write(out);
  }

  #grow(): void {
    const live = this.#order.subarray(this.#head, this.#tail);
    const next = new Int32Array(Math.max(1024, live.length * 2));
    next.set(live);
    this.#order = next;
    this.#tail = live.length;
    this.#head = 0;
  }
}
