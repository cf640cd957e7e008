// MessageSplitter cuts input chunks into messages at a delimiter (newline by default) without
// copying them: after next() the message is buf[start, end). Bytes are kept as they are (a `\r`
// before the newline stays). A message that spans chunks is joined once, when its end arrives;
// finish() returns the last message when the input does not end with the delimiter.

export class MessageSplitter {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  readonly #delimiter: Buffer;
  readonly #single: number;
  #data: Buffer = Buffer.alloc(0);
  #pos = 0;
  #carry: Buffer | null = null;

  constructor(delimiter: Buffer) {
    if (delimiter.length === 0) throw new RangeError('the delimiter is empty');
    this.#delimiter = delimiter;
    this.#single = delimiter.length === 1 ? delimiter[0]! : -1;
  }

  /** Bytes waiting for their delimiter. */
  get pendingBytes(): number {
    return this.#carry?.length ?? 0;
  }

  feed(chunk: Buffer): void {
    this.#data = this.#carry === null ? chunk : Buffer.concat([this.#carry, chunk]);
    this.#pos = 0;
    this.#carry = null;
  }

  /** Advance to the next whole message of the fed data; false when the rest waits for more input. */
  next(): boolean {
    const data = this.#data;
    const at = this.#single >= 0 ? data.indexOf(this.#single, this.#pos) : data.indexOf(this.#delimiter, this.#pos);
    if (at < 0) {
      if (this.#pos < data.length) this.#carry = data.subarray(this.#pos);
      this.#pos = data.length;
      return false;
    }
    this.buf = data;
    this.start = this.#pos;
    this.end = at;
    this.#pos = at + this.#delimiter.length;
    return true;
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
