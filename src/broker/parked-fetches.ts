// Fetches waiting for data (Kafka's DelayedFetch purgatory). A fetch that finds less than its
// min_bytes parks here under every partition it reads; the next append to any of them wakes it,
// and its max wait ends it otherwise. Nothing polls the log: the only timer is the fetch's own deadline.
//
// A following reader parks and is woken about once per append, a thousand times a second and
// more, so the lists here are arrays that keep their entries' slots, never Maps or Sets that gain
// and lose a key each time: V8 gives a long-lived Map or Set a new hash table whenever its entries
// come and go, and allocates that table straight in the old generation (some 60 bytes a change).
// At 1,000 parks a second that filled the broker's old generation by about 0.3 MB/s, and the full
// collections it caused paused the broker for 3-7 ms every ten seconds or so, the worst delays a
// following reader saw.

/** `final`: the max wait ran out or the broker is stopping, so the fetch must answer now. */
export type WakeFetch = (final: boolean) => void;

interface ParkedFetch {
  owner: object;
  keys: string[];
  timer: NodeJS.Timeout;
  wake: WakeFetch;
  /** Woken or dropped: its entries in the lists are left for the next sweep. */
  done: boolean;
}

/** A list this long is swept of its finished entries before it grows further. */
const SWEEP_AT = 8;

export class ParkedFetches {
  /** By partition key and by connection. An entry stays while its partition or connection does. */
  readonly #byPartition = new Map<string, ParkedFetch[]>();
  readonly #byOwner = new Map<object, ParkedFetch[]>();
  /** The list notify() is going through: not swept meanwhile, so its positions hold. */
  #notifying: ParkedFetch[] | null = null;

  static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  get size(): number {
    let n = 0;
    for (const list of this.#byOwner.values()) for (const fetch of list) if (!fetch.done) n++;
    return n;
  }

  /** Park until an append to one of `partitions` or `maxWaitMs`; `wake` runs exactly once. */
  park(owner: object, partitions: ReadonlyArray<readonly [string, number]>, maxWaitMs: number, wake: WakeFetch): void {
    // A loop, not partitions.map(): see appendPartitions (append-partitions.ts).
    const keys: string[] = [];
    for (const [t, p] of partitions) keys.push(ParkedFetches.key(t, p));
    const fetch: ParkedFetch = {
      owner,
      keys,
      timer: setTimeout(() => this.#wake(fetch, true), maxWaitMs),
      wake,
      done: false,
    };
    for (const key of fetch.keys) this.#add(this.#byPartition, key, fetch);
    this.#add(this.#byOwner, owner, fetch);
  }

  /** Wake every fetch parked on this partition (called after an append). */
  notify(topic: string, partition: number): void {
    const list = this.#byPartition.get(ParkedFetches.key(topic, partition));
    if (list === undefined || list.length === 0) return;
    // A woken fetch may park again at once (too little data yet): it lands past `count`.
    const count = list.length;
    this.#notifying = list;
    try {
      for (let i = 0; i < count; i++) this.#wake(list[i]!, false);
    } finally {
      this.#notifying = null;
    }
    if (list.length === count) list.length = 0;
    else list.splice(0, count);
  }

  /** Wake every parked fetch now (shutdown: they answer with what there is). */
  wakeAll(): void {
    for (const list of [...this.#byOwner.values()]) for (const fetch of [...list]) this.#wake(fetch, true);
  }

  /** Forget the fetches of a closed connection without answering them. */
  drop(owner: object): void {
    const mine = this.#byOwner.get(owner);
    if (mine === undefined) return;
    this.#byOwner.delete(owner);
    for (const fetch of mine) this.#finish(fetch);
    // Its partitions' lists are swept of them now: a partition no one appends to is never
    // notified, and a deleted topic's keys go with their last fetch.
    for (const fetch of mine) {
      for (const key of fetch.keys) {
        const list = this.#byPartition.get(key);
        if (list === undefined || list === this.#notifying) continue;
        sweep(list);
        if (list.length === 0) this.#byPartition.delete(key);
      }
    }
  }

  #add<K>(lists: Map<K, ParkedFetch[]>, key: K, fetch: ParkedFetch): void {
    const list = lists.get(key);
    if (list === undefined) {
      lists.set(key, [fetch]);
      return;
    }
    if (list.length >= SWEEP_AT && list !== this.#notifying) sweep(list);
    list.push(fetch);
  }

  #wake(fetch: ParkedFetch, final: boolean): void {
    if (!this.#finish(fetch)) return;
    fetch.wake(final);
  }

  #finish(fetch: ParkedFetch): boolean {
    if (fetch.done) return false;
    fetch.done = true;
    clearTimeout(fetch.timer);
    return true;
  }
}

/** Drop the finished entries, in place. */
function sweep(list: ParkedFetch[]): void {
  let kept = 0;
  for (const fetch of list) if (!fetch.done) list[kept++] = fetch;
  list.length = kept;
}
