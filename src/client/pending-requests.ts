// PendingRequests: the requests of one connection still waiting for their answers, by request id.
// Answers come in any order (a parked fetch is answered after requests sent later), so this is no
// queue; and it is no Map either: a long-lived Map that gains and loses a key at every request
// gets a new hash table in V8's old generation every few changes, which in a `tail` following a
// topic (a fetch a millisecond) filled the old generation by ~15 KB/s until a full collection
// paused it. Here each id has a slot chosen by its low bits: ids are handed out in sequence, so the
// few requests in flight take distinct slots, and the table only doubles when one request stays
// unanswered while as many later ones as there are slots go by.

const INITIAL_SLOTS = 64;

export class PendingRequests<T> {
  /** The id in each slot; 0 for a free slot (ids start at 1). */
  #ids: Int32Array;
  #waiters: Array<T | undefined>;
  #size = 0;

  constructor(slots: number = INITIAL_SLOTS) {
    if (!Number.isInteger(Math.log2(slots))) throw new RangeError(`slots must be a power of two, not ${slots}`);
    this.#ids = new Int32Array(slots);
    this.#waiters = new Array<T | undefined>(slots).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  /** Slots in the table (for tests: it grows only when ids collide). */
  get capacity(): number {
    return this.#ids.length;
  }

  /** `id`: a positive 31-bit integer not already waiting. */
  add(id: number, waiter: T): void {
    while (this.#ids[id & (this.#ids.length - 1)] !== 0) this.#grow();
    const slot = id & (this.#ids.length - 1);
    this.#ids[slot] = id;
    this.#waiters[slot] = waiter;
    this.#size++;
  }

  /** The waiter of `id`, no longer pending; undefined when none waits for it. */
  take(id: number): T | undefined {
    const slot = id & (this.#ids.length - 1);
    if (id === 0 || this.#ids[slot] !== id) return undefined;
    const waiter = this.#waiters[slot];
    this.#ids[slot] = 0;
    this.#waiters[slot] = undefined;
    this.#size--;
    return waiter;
  }

  /** Every waiter, in slot order; none is pending afterwards. */
  takeAll(): T[] {
    const all: T[] = [];
    for (let slot = 0; slot < this.#ids.length; slot++) {
      if (this.#ids[slot] === 0) continue;
      all.push(this.#waiters[slot]!);
      this.#ids[slot] = 0;
      this.#waiters[slot] = undefined;
    }
    this.#size = 0;
    return all;
  }

  /** Double until every waiting id has a slot of its own. */
  #grow(): void {
    const ids = this.#ids;
    const waiters = this.#waiters;
    let slots = ids.length * 2;
    for (;;) {
      const mask = slots - 1;
      const taken = new Set<number>();
      let fits = true;
      for (const id of ids) {
        if (id === 0) continue;
        if (taken.has(id & mask)) {
          fits = false;
          break;
        }
        taken.add(id & mask);
      }
      if (fits) break;
      slots *= 2;
    }
    this.#ids = new Int32Array(slots);
    this.#waiters = new Array<T | undefined>(slots).fill(undefined);
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot]!;
      if (id === 0) continue;
      this.#ids[id & (slots - 1)] = id;
      this.#waiters[id & (slots - 1)] = waiters[slot];
    }
  }
}
