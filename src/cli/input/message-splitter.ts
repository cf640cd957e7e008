// MessageSplitter cuts input chunks into messages at a delimiter (newline by default) without
// copying them: after next() the message is buf[start, end). Bytes are kept as they are (a `\r`
// before the newline stays). Only a message that spans chunks is copied: its start when its chunk
// is used up (so the reader may read the next input into the same memory as soon as next()
// returns false), and the whole of it when its end arrives; finish() returns the last message
// when the input does not end with the delimiter.

export class MessageSplitter {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  readonly #delimiter: Buffer;
  /** The delimiter as a byte when it is one byte long: indexOf with a number is ~4x faster. */
  readonly #delimiterByte: number;
  #data: Buffer = Buffer.alloc(0);
  /** Whether #data is memory of the splitter's own (a join), not the reader's. */
  #dataOwned = false;
  #pos = 0;
  /** The chunk after the message joined with the carry; read once #data is used up. */
  #rest: Buffer | null = null;
  /** The unterminated tail of the input so far. */
  #carry: Buffer | null = null;

  constructor(delimiter: Buffer) {
    if (delimiter.length === 0) throw new RangeError('the delimiter is empty');
    this.#delimiter = delimiter;
    this.#delimiterByte = delimiter.length === 1 ? delimiter[0]! : -1;
  }

  feed(chunk: Buffer): void {
    const carry = this.#carry;
    this.#carry = null;
    this.#pos = 0;
    this.#rest = null;
    this.#dataOwned = carry !== null;
    if (carry === null) {
      this.#data = chunk;
      return;
    }
    // A one-byte delimiter cannot straddle the boundary: join the carry with the chunk only up
    // to the first delimiter. Longer delimiters (rare) take the simple path of one full join.
    const at = this.#delimiterByte >= 0 ? chunk.indexOf(this.#delimiterByte, 0) : -1;
    if (at < 0) {
      this.#data = Buffer.concat([carry, chunk]);
      return;
    }
    this.#data = Buffer.concat([carry, chunk.subarray(0, at + 1)]);
    this.#rest = chunk.subarray(at + 1);
  }

  /** Advance to the next whole message of the fed data; false when the rest waits for more input. */
  next(): boolean {
    do {
      const data = this.#data;
      const at = this.#delimiterByte >= 0 ? data.indexOf(this.#delimiterByte, this.#pos) : data.indexOf(this.#delimiter, this.#pos);
      if (at >= 0) {
        this.buf = data;
        this.start = this.#pos;
        this.end = at;
        this.#pos = at + this.#delimiter.length;
        return true;
      }
    } while (this.#toRest());
    return false;
  }

  /**
   * Advance to the next run of whole messages of the fed data, for a one-byte delimiter only:
   * buf[start, end) is one or more messages, each followed by the delimiter (so that a caller can
   * cut them in one loop). False when the rest waits for more input.
   */
  nextRun(): boolean {
    if (this.#delimiterByte < 0) throw new RangeError('runs of messages need a one-byte delimiter');
    do {
      const data = this.#data;
      // Offsets given: Buffer's indexOf turns a missing one into NaN, which throws its optimised
      // code (shared with the framing loop's calls) away.
      const last = data.lastIndexOf(this.#delimiterByte, data.length - 1);
      if (last >= this.#pos) {
        this.buf = data;
        this.start = this.#pos;
        this.end = last + 1;
        this.#pos = last + 1;
        return true;
      }
    } while (this.#toRest());
    return false;
  }

  /** The fed data holds no more delimiters: move on to the rest of the chunk, or keep the tail. */
  #toRest(): boolean {
    if (this.#rest !== null) {
      this.#data = this.#rest;
      this.#dataOwned = false;
      this.#rest = null;
      this.#pos = 0;
      return true;
    }
    const data = this.#data;
    if (this.#pos < data.length) this.#carry = this.#dataOwned ? data.subarray(this.#pos) : Buffer.from(data.subarray(this.#pos));
    this.#pos = data.length;
    return false;
  }

  /**
   * Whether `buf` is the splitter's own join of a message that spanned two chunks (with a one-byte
   * delimiter, a run from it is that one message), not the reader's memory.
   */
  get joined(): boolean {
    return this.#dataOwned;
  }

  /** At end of input: the unterminated last message, if there is one (once). */
  finish(): boolean {
    if (this.#carry === null || this.#carry.length === 0) return false;
    this.buf = this.#carry;
    this.start = 0;
    this.end = this.#carry.length;
    this.#carry = null;
    return true;
  }
}

/** `--delimiter` text to bytes: `\n`, `\t`, `\r`, `\0` and `\\` escapes are understood. */
export function parseDelimiter(text: string): Buffer {
  const unescaped = text.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\' })[c] ?? `\\${c}`);
  return Buffer.from(unescaped, 'utf8');
}
