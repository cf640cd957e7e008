// A cursor over one Kafka frame (the bytes after the 4-byte size). Every read checks that its
// bytes are there and throws KafkaProtocolError when they are not, or when a length is impossible
// (negative where null is not allowed, longer than the bytes left). Byte fields come back as
// views into the frame, never copies, so a Produce request's record batches are not duplicated.
import { KafkaProtocolError } from './kafka-protocol-error.js';

const TWO_32 = 0x1_0000_0000;
const SHORT_STRING = 32;
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class WireReader {
  readonly #buf: Buffer;
  readonly #end: number;
  #pos: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = offset;
    this.#end = end;
  }

  get position(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  #need(n: number, what: string): void {
    if (n > this.#end - this.#pos) {
      throw new KafkaProtocolError(`kafka frame ends inside ${what}: ${n} bytes needed at byte ${this.#pos}, ${this.#end - this.#pos} left`);
    }
  }

  skip(n: number): void {
    this.#need(n, 'a skipped field');
    this.#pos += n;
  }

  int8(): number {
    this.#need(1, 'an int8');
    return this.#buf.readInt8(this.#pos++);
  }

  bool(): boolean {
    this.#need(1, 'a bool');
    return this.#buf[this.#pos++] !== 0;
  }

  int16(): number {
    this.#need(2, 'an int16');
    const v = this.#buf.readInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }

  uint16(): number {
    this.#need(2, 'a uint16');
    const v = this.#buf.readUInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }

  int32(): number {
    this.#need(4, 'an int32');
    const v = this.#buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  uint32(): number {
    this.#need(4, 'a uint32');
    const v = this.#buf.readUInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  /** An int64 as the nearest JS number (exact within ±2^53; one rounding beyond). */
  int64(): number {
    this.#need(8, 'an int64');
    const hi = this.#buf.readInt32BE(this.#pos);
    const lo = this.#buf.readUInt32BE(this.#pos + 4);
    this.#pos += 8;
    return hi * TWO_32 + lo;
  }

  float64(): number {
    this.#need(8, 'a float64');
    const v = this.#buf.readDoubleBE(this.#pos);
    this.#pos += 8;
    return v;
  }

  /** Unsigned base-128 varint of at most 32 bits (Kafka's lengths, counts and tags). */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.#need(1, 'a varint');
      const byte = this.#buf[this.#pos++]!;
      if (shift === 28 && byte > 0x0f) throw new KafkaProtocolError(`varint at byte ${this.#pos - 1} exceeds 32 bits`);
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new KafkaProtocolError(`varint at byte ${this.#pos} is longer than 5 bytes`);
  }

  /** Zigzag varint in the int32 range. */
  varint(): number {
    const z = this.uvarint();
    return (z >>> 1) ^ -(z & 1);
  }

  /** Zigzag varlong, as the nearest JS number. */
  varlong(): number {
    let z = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.#need(1, 'a varlong');
      const byte = this.#buf[this.#pos++]!;
      z |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return Number((z >> 1n) ^ -(z & 1n));
    }
    throw new KafkaProtocolError(`varlong at byte ${this.#pos} is longer than 10 bytes`);
  }

  /** 16 bytes as the canonical lowercase 8-4-4-4-12 form. */
  uuid(): string {
    this.#need(16, 'a uuid');
    const b = this.#buf;
    let p = this.#pos;
    let s = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
      s += HEX[b[p++]!]!;
    }
    this.#pos = p;
    return s;
  }

  #utf8(n: number): string {
    this.#need(n, 'a string');
    const start = this.#pos;
    this.#pos += n;
    // Names and ids are short and ASCII; building them here beats Buffer#toString's call overhead.
    if (n <= SHORT_STRING) {
      const b = this.#buf;
      let s = '';
      for (let i = start; i < start + n; i++) {
        const c = b[i]!;
        if (c >= 0x80) return b.toString('utf8', start, start + n);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return this.#buf.toString('utf8', start, start + n);
  }

  #view(n: number): Buffer {
    this.#need(n, 'a byte field');
    const v = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** int16 length (-1 for null) and UTF-8 bytes. */
  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw new KafkaProtocolError(`string length ${n} is negative`);
    return this.#utf8(n);
  }

  string(): string {
    const v = this.nullableString();
    if (v === null) throw new KafkaProtocolError('null in a string field that is not nullable');
    return v;
  }

  /** uvarint length + 1 (0 for null) and UTF-8 bytes. */
  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.#utf8(n - 1);
  }

  compactString(): string {
    const v = this.compactNullableString();
    if (v === null) throw new KafkaProtocolError('null in a compact string field that is not nullable');
    return v;
  }

  /** int32 length (-1 for null) and the bytes, as a view into the frame. */
  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw new KafkaProtocolError(`byte length ${n} is negative`);
    return this.#view(n);
  }

  bytes(): Buffer {
    const v = this.nullableBytes();
    if (v === null) throw new KafkaProtocolError('null in a bytes field that is not nullable');
    return v;
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.#view(n - 1);
  }

  compactBytes(): Buffer {
    const v = this.compactNullableBytes();
    if (v === null) throw new KafkaProtocolError('null in a compact bytes field that is not nullable');
    return v;
  }

  /**
   * An array's element count (int32, -1 for null), checked against the bytes left: each element
   * takes at least `minElementBytes`, so a count that cannot fit is refused before any allocation.
   */
  arrayLength(minElementBytes: number): number {
    return this.#checkCount(this.int32(), minElementBytes);
  }

  /** A compact array's element count (uvarint count + 1, 0 for null), checked the same way. */
  compactArrayLength(minElementBytes: number): number {
    return this.#checkCount(this.uvarint() - 1, minElementBytes);
  }

  #checkCount(n: number, minElementBytes: number): number {
    if (n === -1) return -1;
    if (n < 0) throw new KafkaProtocolError(`array length ${n} is negative`);
    if (n * Math.max(1, minElementBytes) > this.#end - this.#pos) {
      throw new KafkaProtocolError(`array of ${n} elements cannot fit in the ${this.#end - this.#pos} bytes left`);
    }
    return n;
  }

  /** Skips a tagged-field section whose tags are all unknown to the caller. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
