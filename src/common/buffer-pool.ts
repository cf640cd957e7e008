// BufferPool: large buffers handed out and taken back for reuse. Memory a process has not written
// to before costs a page fault per 4 KiB on the first write (on this project's VMs about ten
// times a copy into memory already in use), and a megabyte buffer left to the garbage collector
// is freed only when V8 gets to it, so a stream of fresh buffers both costs CPU and raises the
// RSS. A pool keeps at most `maxFree` buffers; what it hands out beyond that is simply collected
// when its holder drops it. A buffer is given back by any view into it, at most once.
import { largeMemory } from './large-memory.js';

export interface BufferPoolOptions {
  /** Free buffers kept for reuse. */
  maxFree: number;
  /** A buffer larger than this is not kept when given back (a rare huge frame stays rare). */
  maxKeptBytes?: number;
  /**
   * Buffers of 2 MiB and more in huge pages (large-memory.ts): for a client, whose process often
   * lives for one command and touches each buffer's memory for the first time. A broker's pool is
   * filled once in a long life, and a huge page is resident whole, which would raise its RSS.
   */
  hugePages?: boolean;
}

/** The smallest buffer made; anything larger is a power of two, so sizes that vary reuse well. */
const MIN_CAPACITY = 64 * 1024;

export class BufferPool {
  readonly #maxFree: number;
  readonly #maxKeptBytes: number;
  readonly #hugePages: boolean;
  readonly #free: ArrayBuffer[] = [];
  /** Handed out and not yet given back. Weak: a holder may drop a buffer instead. */
  readonly #lent = new WeakSet<ArrayBuffer>();

  constructor(options: BufferPoolOptions) {
    this.#maxFree = options.maxFree;
    this.#maxKeptBytes = options.maxKeptBytes ?? Infinity;
    this.#hugePages = options.hugePages ?? false;
  }

  /** Free buffers held. */
  get freeCount(): number {
    return this.#free.length;
  }

  /** A buffer of exactly `size` bytes (uninitialised) over pooled memory. */
  take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const length = this.#free[i]!.byteLength;
      if (length >= size && (best < 0 || length < this.#free[best]!.byteLength)) best = i;
    }
    let memory: ArrayBuffer;
    if (best >= 0) {
      memory = this.#free[best]!;
      this.#free.splice(best, 1);
    } else {
      let capacity = MIN_CAPACITY;
      while (capacity < size) capacity *= 2;
      memory = this.#hugePages ? largeMemory(capacity) : (Buffer.allocUnsafeSlow(capacity).buffer as ArrayBuffer);
    }
    this.#lent.add(memory);
    return Buffer.from(memory, 0, size);
  }

  /**
   * Take back the buffer `view` lies in. The caller must hold no other view into it: its bytes are
   * overwritten by the next take(). A view into memory this pool did not lend (or already took
   * back) is ignored.
   */
  give(view: Uint8Array): void {
    const memory = view.buffer as ArrayBuffer;
    if (!this.#lent.has(memory)) return;
    this.#lent.delete(memory);
    if (memory.byteLength > this.#maxKeptBytes) return;
    if (this.#free.length < this.#maxFree) {
      this.#free.push(memory);
    } else {
      // Keep the larger ones: a small buffer can be regrown for, a large one cannot be reused small.
      let smallest = 0;
      for (let i = 1; i < this.#free.length; i++) if (this.#free[i]!.byteLength < this.#free[smallest]!.byteLength) smallest = i;
      if (this.#free[smallest]!.byteLength < memory.byteLength) this.#free[smallest] = memory;
    }
  }
}
