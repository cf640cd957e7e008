// Fetches waiting for data (Kafka's DelayedFetch purgatory). A fetch that finds less than its
// min_bytes parks here under every partition it reads; the next append to any of them wakes it,
// and its max wait ends it otherwise. Nothing polls the log: the only timer is the fetch's own deadline.

/** `final`: the max wait ran out or the broker is stopping, so the fetch must answer now. */
export type WakeFetch = (final: boolean) => void;

interface ParkedFetch {
  owner: object;
  keys: string[];
  timer: NodeJS.Timeout;
  wake: WakeFetch;
}

export class ParkedFetches {
  readonly #byPartition = new Map<string, Set<ParkedFetch>>();
  readonly #byOwner = new Map<object, Set<ParkedFetch>>();

  static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  get size(): number {
    let n = 0;
    for (const set of this.#byOwner.values()) n += set.size;
    return n;
  }

  /** Park until an append to one of `partitions` or `maxWaitMs`; `wake` runs exactly once. */
  park(owner: object, partitions: ReadonlyArray<readonly [string, number]>, maxWaitMs: number, wake: WakeFetch): void {
    const fetch: ParkedFetch = {
      owner,
      keys: partitions.map(([t, p]) => ParkedFetches.key(t, p)),
      timer: setTimeout(() => this.#wake(fetch, true), maxWaitMs),
      wake,
    };
    for (const key of fetch.keys) {
      let set = this.#byPartition.get(key);
      if (set === undefined) this.#byPartition.set(key, (set = new Set()));
      set.add(fetch);
    }
    let mine = this.#byOwner.get(owner);
    if (mine === undefined) this.#byOwner.set(owner, (mine = new Set()));
    mine.add(fetch);
  }

  /** Wake every fetch parked on this partition (called after an append). */
  notify(topic: string, partition: number): void {
    const set = this.#byPartition.get(ParkedFetches.key(topic, partition));
    if (set === undefined) return;
    for (const fetch of [...set]) this.#wake(fetch, false);
  }

  /** Wake every parked fetch now (shutdown: they answer with what there is). */
  wakeAll(): void {
    for (const set of [...this.#byOwner.values()]) for (const fetch of [...set]) this.#wake(fetch, true);
  }

  /** Forget the fetches of a closed connection without answering them. */
  drop(owner: object): void {
    const mine = this.#byOwner.get(owner);
    if (mine === undefined) return;
    for (const fetch of [...mine]) this.#remove(fetch);
  }

  #wake(fetch: ParkedFetch, final: boolean): void {
    if (!this.#remove(fetch)) return;
    fetch.wake(final);
  }

  #remove(fetch: ParkedFetch): boolean {
    const mine = this.#byOwner.get(fetch.owner);
    if (mine === undefined || !mine.delete(fetch)) return false;
    if (mine.size === 0) this.#byOwner.delete(fetch.owner);
    clearTimeout(fetch.timer);
    for (const key of fetch.keys) {
      const set = this.#byPartition.get(key);
      set?.delete(fetch);
      if (set?.size === 0) this.#byPartition.delete(key);
    }
    return true;
  }
}
