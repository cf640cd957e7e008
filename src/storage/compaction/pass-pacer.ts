// PassPacer: how a compaction pass shares the broker's one event loop. The pass works in slices
// of synchronous reads, decoding and writes; after every `yieldEveryBytes` processed it gives the
// loop a turn (setImmediate: pending socket reads, appends and fetches run first). A turn that
// takes longer than BUSY_TURN_MS means the loop had other work (an idle turn takes tens of
// microseconds); for BUSY_WINDOW_MS after one, the pass rests after each slice so that it takes
// at most BUSY_SHARE of the loop's time. Producers keep most of the broker while it compacts; an
// idle broker compacts at full speed. Wall time cannot tell a thread that was merely preempted
// from one that worked, so on an overloaded machine the pass slows down too: the safe side.
// After every turn the pacer asks whether the pass should go on at all: not when the broker is
// stopping (`signal`) or the partition's topic was deleted or recreated meanwhile (`isCurrent`).
export interface PacerOptions {
  yieldEveryBytes: number;
  signal?: AbortSignal | undefined;
  isCurrent?: (() => boolean) | undefined;
}

/** The most one synchronous read takes in, whatever the yield interval. */
const MAX_SLICE_BYTES = 1 << 20;
/** A turn of the loop longer than this ran something besides the pass. */
const BUSY_TURN_MS = 0.5;
/** How long after such a turn the loop counts as busy. */
const BUSY_WINDOW_MS = 100;
/** The pass's share of the loop's time while the loop is busy. */
export const BUSY_SHARE = 0.1;

export class PassPacer {
  /** How much to read at a time: a slice, at most 1 MiB. */
  readonly sliceBytes: number;
  readonly #yieldEveryBytes: number;
  readonly #signal: AbortSignal | undefined;
  readonly #isCurrent: (() => boolean) | undefined;
  #bytesSinceYield = 0;
  #sliceStartMs = performance.now();
  #busyUntilMs = 0;

  constructor(options: PacerOptions) {
    this.#yieldEveryBytes = Math.max(1, options.yieldEveryBytes);
    this.sliceBytes = Math.min(MAX_SLICE_BYTES, this.#yieldEveryBytes);
    this.#signal = options.signal;
    this.#isCurrent = options.isCurrent;
  }

  /** False once the pass must stop: the broker is stopping or the partition is not the live one. */
  get wanted(): boolean {
    return this.#signal?.aborted !== true && (this.#isCurrent?.() ?? true);
  }

  /** Await work done off the loop (an fdatasync on the thread pool): not the pass's loop time. */
  async offLoop<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      this.#sliceStartMs = performance.now();
    }
  }

  /** Count `bytes` processed; when a slice is full, yield to the event loop. Resolves to `wanted`. */
  async advance(bytes: number): Promise<boolean> {
    this.#bytesSinceYield += bytes;
    if (this.#bytesSinceYield < this.#yieldEveryBytes) return this.wanted;
    this.#bytesSinceYield = 0;
    const sliceEndMs = performance.now();
    const sliceMs = sliceEndMs - this.#sliceStartMs;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const turnEndMs = performance.now();
    const turnMs = turnEndMs - sliceEndMs;
    if (turnMs > BUSY_TURN_MS) this.#busyUntilMs = turnEndMs + BUSY_WINDOW_MS;
    if (turnEndMs < this.#busyUntilMs) {
      const restMs = sliceMs * (1 / BUSY_SHARE - 1) - turnMs;
      if (restMs >= 1) await new Promise<void>((resolve) => setTimeout(resolve, restMs));
    }
    this.#sliceStartMs = performance.now();
    return this.wanted;
  }
}
