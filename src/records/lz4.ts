// The LZ4 frame format, as Kafka clients put it in a records section (librdkafka and the Java
// client both write it). A frame is:
//
//   magic 04 22 4d 18 | FLG | BD | [content size u64 LE] | [dict id u32] | header checksum u8
//   blocks: size u32 LE (high bit = stored uncompressed, 0 = end mark), data, [checksum u32]
//   [content checksum u32]
//
// Reading: skippable frames (magic 0x184d2a5X) are skipped and several frames are concatenated;
// frames that need a dictionary are refused. The xxHash32 checksums are not verified: the batch's
// CRC-32C already covers every compressed byte. The reader is hand-written: it checks every length
// and offset before use; it reads a 5-record batch several times faster than lz4-napi or lz4js,
// and 1 MiB of log lines faster than lz4-napi and about as fast as lz4js (test/bench/codecs.ts).
//
// Writing: the frame Kafka's Java client writes (KafkaLZ4BlockOutputStream): FLG 0x60 (version 1,
// independent blocks, no checksums or content size), BD 0x40 (64 KiB blocks), then the header
// checksum over FLG and BD, each block stored uncompressed when compressing would not shrink it,
// and the end mark. The "broken" header checksum of old Kafka (taken over the magic too) belongs to
// message format v0 only and is never written or required here: v2 batches carry the right one.
import { CorruptBatchError } from '../common/errors.js';
import { type BlockCompressor, lz4BlockCompressor } from './block-compressors.js';
import { type FrameFormat, walkFrames } from './frame-walk.js';
import { SHORT_COPY, copyMatch } from './snappy.js';

const FRAME_MAGIC = 0x184d2204;
/** Magic, FLG 0x60, BD 0x40 and their header checksum: (xxHash32(60 40, seed 0) >> 8) & 0xff = 0x82. */
const KAFKA_FRAME_HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
const KAFKA_BLOCK_SIZE = 64 * 1024;
const END_MARK = Buffer.alloc(4);
const LZ4_FRAMES: FrameFormat = { name: 'lz4', frameName: 'LZ4 frame', magic: FRAME_MAGIC };

const FLG_VERSION_SHIFT = 6;
const FLG_VERSION = 1;
const FLG_BLOCK_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BD_BLOCK_MAX_SHIFT = 4;
const BD_BLOCK_MAX_MASK = 0x07;
/** BD values 4..7 mean 64 KiB, 256 KiB, 1 MiB, 4 MiB. */
const BD_BLOCK_MAX_MIN_ID = 4;

const BLOCK_UNCOMPRESSED = 0x80000000;
const BLOCK_SIZE_MASK = 0x7fffffff;
const CHECKSUM_SIZE = 4;
const MIN_MATCH = 4;
const LENGTH_MORE = 15;
/** Room reserved per compressed byte before a block is decoded; more is found if it expands further. */
const TYPICAL_RATIO = 8;

/** One LZ4 frame as Kafka's Java client writes it, its blocks compressed by `compressor`. */
export function compressLz4Frame(data: Buffer, compressor: BlockCompressor = lz4BlockCompressor()): Buffer {
  const parts: Buffer[] = [KAFKA_FRAME_HEADER];
  for (let pos = 0; pos < data.length; pos += KAFKA_BLOCK_SIZE) {
    const block = data.subarray(pos, Math.min(pos + KAFKA_BLOCK_SIZE, data.length));
    const compressed = compressor.compress(block);
    const size = Buffer.allocUnsafe(4);
    if (compressed.length === 0 || compressed.length >= block.length) {
      size.writeUInt32LE((block.length | BLOCK_UNCOMPRESSED) >>> 0);
      parts.push(size, block);
    } else {
      size.writeUInt32LE(compressed.length);
      parts.push(size, compressed);
    }
  }
  parts.push(END_MARK);
  return Buffer.concat(parts);
}

/** Decompress an LZ4 records section: one or more LZ4 frames. */
export function decompressLz4Frame(data: Buffer): Buffer {
  const out = new GrowableBuffer(Math.max(data.length * 4, 1024));
  walkFrames(data, LZ4_FRAMES, (pos) => readFrame(data, pos, out));
  return out.result();
}

/** One frame from just after its magic; returns the position after it. */
function readFrame(data: Buffer, pos: number, out: GrowableBuffer): number {
  need(data, pos, 2, 'frame descriptor');
  const flg = data[pos]!;
  const bd = data[pos + 1]!;
  pos += 2;
  if (flg >>> FLG_VERSION_SHIFT !== FLG_VERSION) throw corrupt(`frame version ${flg >>> FLG_VERSION_SHIFT} is not 1`);
  if (flg & FLG_RESERVED) throw corrupt('reserved FLG bit is set');
  if (flg & FLG_DICT_ID) throw corrupt('frame needs a dictionary, which Kafka clients never use');
  const blockMaxId = (bd >>> BD_BLOCK_MAX_SHIFT) & BD_BLOCK_MAX_MASK;
  if (blockMaxId < BD_BLOCK_MAX_MIN_ID) throw corrupt(`block maximum size id ${blockMaxId} is not 4..7`);
  const blockMax = 1 << (8 + 2 * blockMaxId);
  let contentSize = -1;
  if (flg & FLG_CONTENT_SIZE) {
    need(data, pos, 8, 'content size');
    contentSize = data.readUInt32LE(pos) + data.readUInt32LE(pos + 4) * 2 ** 32;
    pos += 8;
  }
  need(data, pos, 1, 'header checksum');
  pos += 1;
  const frameStart = out.length;
  for (;;) {
    need(data, pos, 4, 'block size');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = word & BLOCK_SIZE_MASK;
    if (size > blockMax) throw corrupt(`block of ${size} bytes is larger than the frame's ${blockMax}-byte maximum`);
    need(data, pos, size, 'block');
    if ((word & BLOCK_UNCOMPRESSED) !== 0) out.append(data, pos, pos + size);
    else decodeBlock(data, pos, pos + size, out, flg & FLG_BLOCK_INDEPENDENT ? out.length : frameStart, blockMax);
    pos += size;
    if (flg & FLG_BLOCK_CHECKSUM) {
      need(data, pos, CHECKSUM_SIZE, 'block checksum');
      pos += CHECKSUM_SIZE;
    }
  }
  if (flg & FLG_CONTENT_CHECKSUM) {
    need(data, pos, CHECKSUM_SIZE, 'content checksum');
    pos += CHECKSUM_SIZE;
  }
  if (contentSize >= 0 && out.length - frameStart !== contentSize) {
    throw corrupt(`frame decompressed to ${out.length - frameStart} bytes, its header says ${contentSize}`);
  }
  return pos;
}

/**
 * One LZ4 block in data[pos, end): sequences of token, literals, 2-byte offset, match. The last
 * sequence has literals only. Matches may reach back to `windowStart` (the block itself for
 * independent blocks, the frame for linked ones); output grows by at most `blockMax` bytes. Room
 * is reserved for a typical ratio and grown on demand, so a small block does not cost a 64 KiB
 * (or 4 MiB) allocation.
 */
function decodeBlock(data: Buffer, pos: number, end: number, out: GrowableBuffer, windowStart: number, blockMax: number): void {
  out.reserve(Math.min(blockMax, (end - pos) * TYPICAL_RATIO));
  let buf = out.buf;
  let op = out.length;
  const limit = op + blockMax;
  for (;;) {
    const token = data[pos++]!;
    let literals = token >>> 4;
    if (literals === LENGTH_MORE) {
      let byte: number;
      do {
        if (pos >= end) throw corrupt('sequence length is truncated');
        byte = data[pos++]!;
        literals += byte;
      } while (byte === 255);
    }
    if (literals > end - pos) throw corrupt(`literals of ${literals} bytes run past the block`);
    if (literals > limit - op) throw corrupt(`block decompresses to more than ${blockMax} bytes`);
    if (literals > buf.length - op) buf = grow(out, op, literals);
    if (literals < SHORT_COPY) for (let i = 0; i < literals; i++) buf[op + i] = data[pos + i]!;
    else buf.set(data.subarray(pos, pos + literals), op);
    pos += literals;
    op += literals;
    if (pos === end) break;
    if (end - pos < 2) throw corrupt('match offset is truncated');
    const offset = data[pos]! | (data[pos + 1]! << 8);
    pos += 2;
    if (offset === 0 || offset > op - windowStart) throw corrupt(`match offset ${offset} points outside the window`);
    let match = token & 0x0f;
    if (match === LENGTH_MORE) {
      let byte: number;
      do {
        if (pos >= end) throw corrupt('sequence length is truncated');
        byte = data[pos++]!;
        match += byte;
      } while (byte === 255);
    }
    match += MIN_MATCH;
    if (match > limit - op) throw corrupt(`block decompresses to more than ${blockMax} bytes`);
    if (match > buf.length - op) buf = grow(out, op, match);
    copyMatch(buf, op, offset, match);
    op += match;
    // A block ends with literals, never with a match.
    if (pos >= end) throw corrupt('block ends after a match instead of literals');
  }
  out.length = op;
}

/** Room for `bytes` more after the first `op` bytes of `out`; the (possibly new) buffer. */
function grow(out: GrowableBuffer, op: number, bytes: number): Buffer {
  out.length = op;
  out.reserve(bytes);
  return out.buf;
}

/** Output whose final size the frame does not have to tell: doubles when a block needs room. */
class GrowableBuffer {
  buf: Buffer;
  length = 0;

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + bytes));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  append(data: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    this.length += data.copy(this.buf, this.length, start, end);
  }

  /** The bytes written; copied out when most of the buffer is slack, so a small batch pins little. */
  result(): Buffer {
    const used = this.buf.subarray(0, this.length);
    return this.length * 2 < this.buf.length ? Buffer.from(used) : used;
  }
}

function need(data: Buffer, pos: number, bytes: number, what: string): void {
  if (data.length - pos < bytes) throw corrupt(`${what} at byte ${pos} is truncated`);
}

function corrupt(detail: string): CorruptBatchError {
  return new CorruptBatchError(`lz4 records section is malformed: ${detail}`);
}
