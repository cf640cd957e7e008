// ByteArena: one block of memory cut into equal slots, lent and taken back. The producer reads its
// input into slots and frames records into slots of the same arena, so that copying a message
// into its batch is one copyWithin on a single view of the block: Buffer.copy makes a new view
// object for every call (a million small copies make a million objects for the collector), and
// set() of a subarray does too. Memory of a slot is touched once and then reused, so a stream of
// batches costs no page faults after the first few; with `hugePages` the block is in huge pages
// where it can be (large-memory.ts), so the first few are few.
import { largeMemory } from './large-memory.js';

export class ByteArena {
  readonly slotBytes: number;
  /** The whole block: the view copyWithin runs on. */
  readonly view: Uint8Array;
  readonly #free: number[] = [];

  constructor(slotBytes: number, slots: number, options: { hugePages?: boolean } = {}) {
    this.slotBytes = slotBytes;
    this.view = new Uint8Array(options.hugePages === true ? largeMemory(slotBytes * slots) : new ArrayBuffer(slotBytes * slots));
    for (let i = slots - 1; i >= 0; i--) this.#free.push(i * slotBytes);
  }

  /** Slots not lent. */
  get freeSlots(): number {
    return this.#free.length;
  }

  /** A free slot (`slotBytes` long, uninitialised), or null when every slot is lent. */
  take(): Buffer | null {
    const start = this.#free.pop();
    return start === undefined ? null : Buffer.from(this.view.buffer, start, this.slotBytes);
  }

  /**
   * Take back the slot `buf` starts at. Anything else (memory outside the arena, a view that does
   * not start a slot) is ignored, so a holder may give back whatever it holds; a slot must be given
   * back once, and only when nothing reads it any more.
   */
  give(buf: Uint8Array): void {
    const at = this.offsetOf(buf);
    if (at < 0 || at % this.slotBytes !== 0 || this.#free.includes(at)) return;
    this.#free.push(at);
  }

  /** Where `buf`'s bytes begin in the arena, or -1 when they lie elsewhere. */
  offsetOf(buf: Uint8Array): number {
    return buf.buffer === this.view.buffer ? buf.byteOffset : -1;
  }
}
