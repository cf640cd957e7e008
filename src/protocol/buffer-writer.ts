// Growable big-endian writer for message bodies: int8..int64, int16-length strings and
// int32-length byte fields. Large byte fields (record batches) are not copied: bytesRef() closes
// the current piece and passes the caller's buffer through, so parts() is a list for writev.
import { writeInt64 } from '../records/int64.js';

export class BufferWriter {
  #buf: Buffer;
  #pos = 0;
  readonly #parts: Buffer[] = [];

  constructor(initialBytes = 256) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + n));
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  int8(v: number): this {
    this.#ensure(1);
    this.#buf.writeInt8(v, this.#pos);
    this.#pos += 1;
    return this;
  }

  int16(v: number): this {
    this.#ensure(2);
    this.#buf.writeInt16BE(v, this.#pos);
    this.#pos += 2;
    return this;
  }

  int32(v: number): this {
    this.#ensure(4);
    this.#buf.writeInt32BE(v, this.#pos);
    this.#pos += 4;
    return this;
  }

  int64(v: number): this {
    this.#ensure(8);
    writeInt64(this.#buf, this.#pos, v);
    this.#pos += 8;
    return this;
  }

  /** int16 length (-1 for null) and UTF-8 bytes. */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v, 'utf8');
    this.int16(n);
    this.#ensure(n);
    this.#pos += this.#buf.write(v, this.#pos, 'utf8');
    return this;
  }

  /** int32 length and the bytes, passed through without a copy. */
  bytesRef(v: Buffer): this {
    this.int32(v.length);
    if (v.length === 0) return this;
    this.#flushPiece();
    this.#parts.push(v);
    return this;
  }

  #flushPiece(): void {
    if (this.#pos === 0) return;
    this.#parts.push(this.#buf.subarray(0, this.#pos));
    this.#buf = Buffer.allocUnsafe(Math.max(64, this.#buf.length - this.#pos));
    this.#pos = 0;
  }

  /** The body as a list of buffers, in order. */
  parts(): Buffer[] {
    this.#flushPiece();
    return this.#parts;
  }
}
