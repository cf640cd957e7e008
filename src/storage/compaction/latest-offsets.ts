// LatestOffsets: key -> offset of the latest record with that key (Kafka's OffsetMap), built by
// one pass over a partition in offset order. Keys of up to 64 bytes are map keys as they are (a
// latin1 string, one char per byte, so comparison is exact); longer keys are stood for by their
// SHA-256 digest behind a char no latin1 string holds, so the two forms never meet and two long
// keys share an entry only through a SHA-256 collision. Memory: about 100 B per key (V8 Map
// entry, string header, a short key, 8 B of offset), so 10,000 keys cost ~1 MB and a million
// ~100 MB; `maxKeys` bounds it (a full map ends the key scan early, see log-compactor.ts).
import { nodeCrypto } from '../../common/node-crypto.js';

const MAX_RAW_KEY_BYTES = 64;
/** Not a latin1 char: digests get it as a prefix, raw keys can never contain it. */
const DIGEST_PREFIX = '\u0100';

export class LatestOffsets {
  readonly maxKeys: number;
  /** key -> slot in #offsets. Slots are small integers, so the map holds no boxed numbers. */
  readonly #slots = new Map<string, number>();
  #offsets = new Float64Array(1024);

  constructor(maxKeys: number) {
    this.maxKeys = maxKeys;
  }

  get size(): number {
    return this.#slots.size;
  }

  get full(): boolean {
    return this.#slots.size >= this.maxKeys;
  }

  /** The map key of the `length` key bytes at `start` in `data`. */
  static keyOf(data: Buffer, start: number, length: number): string {
    if (length <= MAX_RAW_KEY_BYTES) return data.toString('latin1', start, start + length);
    const digest = nodeCrypto().createHash('sha256').update(data.subarray(start, start + length)).digest('binary');
    return DIGEST_PREFIX + digest;
  }

  get(key: string): number | undefined {
    const slot = this.#slots.get(key);
    return slot === undefined ? undefined : this.#offsets[slot];
  }

  /** Record `offset` as the latest for `key`; returns the offset it replaces, if any (one lookup). */
  put(key: string, offset: number): number | undefined {
    const slot = this.#slots.get(key);
    if (slot !== undefined) {
      const previous = this.#offsets[slot];
      this.#offsets[slot] = offset;
      return previous;
    }
    const added = this.#slots.size;
    if (added === this.#offsets.length) {
      const grown = new Float64Array(added * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    this.#offsets[added] = offset;
    this.#slots.set(key, added);
    return undefined;
  }
}
