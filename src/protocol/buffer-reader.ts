// Cursor over a message body; every read checks the bytes are there and throws TruncatedError
// (a ProtocolError: the frame is malformed and the connection is closed) when they are not.
import { TruncatedError } from '../common/errors.js';
import { readInt64 } from '../records/int64.js';

export class BufferReader {
  readonly #buf: Buffer;
  #pos = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  #need(n: number): void {
    if (this.#pos + n > this.#buf.length) {
      throw new TruncatedError(`message body ends after ${this.#buf.length} bytes, ${this.#pos + n} needed`);
    }
  }

  int8(): number {
    this.#need(1);
    return this.#buf.readInt8(this.#pos++);
  }

  int16(): number {
    this.#need(2);
    const v = this.#buf.readInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }

  int32(): number {
    this.#need(4);
    const v = this.#buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  int64(): number {
    this.#need(8);
    const v = readInt64(this.#buf, this.#pos);
    this.#pos += 8;
    return v;
  }

  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    this.#need(n);
    const v = this.#buf.toString('utf8', this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** int32-length bytes, as a view into the body (no copy). */
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new TruncatedError(`negative byte length ${n}`);
    this.#need(n);
    const v = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** An array count, checked against what could possibly follow (each item >= minItemBytes). */
  count(minItemBytes: number): number {
    const n = this.int32();
    if (n < 0 || n * minItemBytes > this.remaining) throw new TruncatedError(`array count ${n} does not fit the message`);
    return n;
  }

  rest(): Buffer {
    const v = this.#buf.subarray(this.#pos);
    this.#pos = this.#buf.length;
    return v;
  }
}
