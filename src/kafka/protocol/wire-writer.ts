// Writes one Kafka message as a list of buffers for socket.writev / cork+write. Small fields go
// into a scratch chunk that is cut into pieces as the message grows (no copying when it fills:
// a new chunk is started); byte and record fields of BYTES_BY_REFERENCE or more are not copied at
// all but passed through as their own piece, so a Fetch response of many MiB costs a few headers.
/** Byte fields at least this long are emitted by reference instead of copied. */
export const BYTES_BY_REFERENCE = 4096;

// The first chunk is small enough to come from Node's shared allocation pool (cheap for the many
// small responses); later chunks are larger so big messages are cut into few pieces.
const FIRST_CHUNK_BYTES = 1024;
const CHUNK_BYTES = 16384;
const TWO_32 = 0x1_0000_0000;
const TWO_63 = 2 ** 63;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A value that a records field may be given: one buffer, or stored batches in order. */
export type RecordsValue = Buffer | readonly Buffer[] | null;

/** A place for an int32 that is only known once the rest is written (the frame size). */
export interface Int32Slot {
  readonly buf: Buffer;
  readonly offset: number;
}

export class WireWriter {
  readonly #parts: Buffer[] = [];
  #chunk: Buffer;
  #start = 0;
  #pos = 0;
  #length = 0;

  constructor(chunkBytes = FIRST_CHUNK_BYTES) {
    this.#chunk = Buffer.allocUnsafe(chunkBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#chunk.length) return;
    this.#cut();
    this.#chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, n));
    this.#start = 0;
    this.#pos = 0;
  }

  #cut(): void {
    if (this.#pos > this.#start) this.#parts.push(this.#chunk.subarray(this.#start, this.#pos));
    this.#start = this.#pos;
  }

  int8(v: number): void {
    this.#room(1);
    this.#chunk.writeInt8(v, this.#pos);
    this.#pos += 1;
    this.#length += 1;
  }

  bool(v: boolean): void {
    this.#room(1);
    this.#chunk[this.#pos++] = v ? 1 : 0;
    this.#length += 1;
  }

  int16(v: number): void {
    this.#room(2);
    this.#chunk.writeInt16BE(v, this.#pos);
    this.#pos += 2;
    this.#length += 2;
  }

  uint16(v: number): void {
    this.#room(2);
    this.#chunk.writeUInt16BE(v, this.#pos);
    this.#pos += 2;
    this.#length += 2;
  }

  int32(v: number): void {
    this.#room(4);
    this.#chunk.writeInt32BE(v, this.#pos);
    this.#pos += 4;
    this.#length += 4;
  }

  uint32(v: number): void {
    this.#room(4);
    this.#chunk.writeUInt32BE(v, this.#pos);
    this.#pos += 4;
    this.#length += 4;
  }

  /** An int64 from a JS number; values beyond the int64 range are clamped to it. */
  int64(v: number): void {
    if (Number.isNaN(v)) throw new RangeError('int64 field given NaN');
    let hi: number;
    let lo: number;
    if (v >= TWO_63) {
      hi = 0x7fffffff;
      lo = 0xffffffff;
    } else if (v <= -TWO_63) {
      hi = -0x80000000;
      lo = 0;
    } else {
      const t = Math.trunc(v);
      hi = Math.floor(t / TWO_32);
      lo = t - hi * TWO_32;
    }
    this.#room(8);
    this.#chunk.writeInt32BE(hi, this.#pos);
    this.#chunk.writeUInt32BE(lo, this.#pos + 4);
    this.#pos += 8;
    this.#length += 8;
  }

  float64(v: number): void {
    this.#room(8);
    this.#chunk.writeDoubleBE(v, this.#pos);
    this.#pos += 8;
    this.#length += 8;
  }

  /** Unsigned base-128 varint (0 .. 2^32-1). */
  uvarint(v: number): void {
    if (!(v >= 0 && v < TWO_32)) throw new RangeError(`unsigned varint ${v} is outside 0..2^32-1`);
    this.#room(5);
    let rest = v >>> 0;
    const start = this.#pos;
    while (rest >= 0x80) {
      this.#chunk[this.#pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.#chunk[this.#pos++] = rest;
    this.#length += this.#pos - start;
  }

  /** Zigzag varint (int32 range). */
  varint(v: number): void {
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zigzag varlong from a JS number. */
  varlong(v: number): void {
    const n = BigInt(Math.trunc(v));
    let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
    this.#room(10);
    const start = this.#pos;
    while (z >= 0x80n) {
      this.#chunk[this.#pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.#chunk[this.#pos++] = Number(z);
    this.#length += this.#pos - start;
  }

  uuid(v: string): void {
    if (!UUID_PATTERN.test(v)) throw new RangeError(`"${v}" is not a UUID in 8-4-4-4-12 form`);
    this.#room(16);
    const hex = v.replace(/-/g, '');
    this.#chunk.write(hex, this.#pos, 16, 'hex');
    this.#pos += 16;
    this.#length += 16;
  }

  #utf8(v: string, n: number): void {
    this.#room(n);
    this.#chunk.write(v, this.#pos, n, 'utf8');
    this.#pos += n;
    this.#length += n;
  }

  /** int16 length (-1 for null) and UTF-8 bytes. */
  nullableString(v: string | null): void {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v, 'utf8');
    if (n > 0x7fff) throw new RangeError(`string of ${n} bytes is too long for an int16 length`);
    this.int16(n);
    this.#utf8(v, n);
  }

  /** uvarint length + 1 (0 for null) and UTF-8 bytes. */
  compactNullableString(v: string | null): void {
    if (v === null) return this.uvarint(0);
    const n = Buffer.byteLength(v, 'utf8');
    this.uvarint(n + 1);
    this.#utf8(v, n);
  }

  /** int32 length (-1 for null) and the bytes; large values are passed by reference. */
  nullableBytes(v: RecordsValue): void {
    if (v === null) return this.int32(-1);
    this.int32(byteLength(v));
    this.raw(v);
  }

  compactNullableBytes(v: RecordsValue): void {
    if (v === null) return this.uvarint(0);
    this.uvarint(byteLength(v) + 1);
    this.raw(v);
  }

  /** Bytes with no length prefix: copied when small, passed through when large. */
  raw(v: Buffer | readonly Buffer[]): void {
    if (Buffer.isBuffer(v)) return this.#rawOne(v);
    for (const piece of v) this.#rawOne(piece);
  }

  #rawOne(v: Buffer): void {
    if (v.length >= BYTES_BY_REFERENCE) {
      this.#cut();
      this.#parts.push(v);
    } else {
      this.#room(v.length);
      v.copy(this.#chunk, this.#pos);
      this.#pos += v.length;
    }
    this.#length += v.length;
  }

  arrayLength(n: number | null): void {
    this.int32(n === null ? -1 : n);
  }

  compactArrayLength(n: number | null): void {
    this.uvarint(n === null ? 0 : n + 1);
  }

  /** Reserves four bytes to be filled in by fillInt32 once their value is known. */
  reserveInt32(): Int32Slot {
    this.#room(4);
    const slot = { buf: this.#chunk, offset: this.#pos };
    this.#pos += 4;
    this.#length += 4;
    return slot;
  }

  fillInt32(slot: Int32Slot, v: number): void {
    slot.buf.writeInt32BE(v, slot.offset);
  }

  /** The message so far, in order. The writer must not be used afterwards. */
  finish(): Buffer[] {
    this.#cut();
    return this.#parts;
  }
}

function byteLength(v: Buffer | readonly Buffer[]): number {
  if (Buffer.isBuffer(v)) return v.length;
  let n = 0;
  for (const piece of v) n += piece.length;
  return n;
}

/** Joins a writer's output into one buffer (tests and small control messages only). */
export function concatParts(parts: readonly Buffer[]): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
