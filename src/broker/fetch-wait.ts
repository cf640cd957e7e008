// The long poll of a fetch, as Kafka's DelayedFetch does it, for either front door: read; when
// less than min_bytes (at least 1) came back, no partition failed and the client may wait, park
// until an append to one of the partitions, read again, and park once more for the rest of the
// max wait while there is still too little. When the wait ends or the broker stops, answer with
// what there is. Nothing polls: the only timer is the fetch's own deadline.
import type { BrokerContext } from './broker-context.js';

export interface FetchRead<T> {
  result: T;
  bytes: number;
  errors: number;
}

export interface FetchWait {
  /** The connection the fetch came on; its fetches are dropped when it closes. */
  owner: object;
  partitions: ReadonlyArray<readonly [string, number]>;
  maxWaitMs: number;
  minBytes: number;
}

/** `release`: told of a read that will not be sent (too little), so pooled memory goes back. */
export function readWhenReady<T>(ctx: BrokerContext, wait: FetchWait, read: () => FetchRead<T>, release: (unsent: T) => void = () => {}): T | Promise<T> {
  const minBytes = Math.max(wait.minBytes, 1);
  const first = read();
  if (first.bytes >= minBytes || first.errors > 0 || wait.maxWaitMs <= 0) return first.result;
  release(first.result);
  const deadline = performance.now() + wait.maxWaitMs;
  return new Promise((resolve) => {
    const park = (waitMs: number) =>
      ctx.parked.park(wait.owner, wait.partitions, waitMs, (final) => {
        const again = read();
        const left = Math.ceil(deadline - performance.now());
        if (final || again.bytes >= minBytes || again.errors > 0 || left <= 0) resolve(again.result);
        else {
          release(again.result);
          park(left);
        }
      });
    park(wait.maxWaitMs);
  });
}
