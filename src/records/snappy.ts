// Snappy as Kafka clients put it in a records section. librdkafka writes one raw snappy block;
// the Java client (and kafkajs' codecs) write snappy-java's "xerial" stream: a 16-byte header
// (0x82 'SNAPPY' 0x00, int32 version 1, int32 compatible version 1) then [int32 BE length, raw
// block]... A raw block is a varint uncompressed length, then elements: literals and back-references.
//
// Reading takes both, hand-written: every length and offset is checked before use, so bad input
// throws CorruptBatchError (snappyjs checks less, and neither it nor the native binding read
// clearly faster on 1 MiB of log lines or a 5-record batch; test/bench/codecs.ts). Writing produces the xerial
// stream with 32 KiB blocks, as the Java client's SnappyOutputStream does; every Kafka client reads it.
import { CorruptBatchError } from '../common/errors.js';
import { type BlockCompressor, snappyBlockCompressor } from './block-compressors.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_LENGTH_SIZE = 4;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** snappy-java's default block size, which Kafka's producer keeps. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

const TAG_LITERAL = 0;
const TAG_COPY_1 = 1;
const TAG_COPY_2 = 2;
/** A literal tag's upper 6 bits hold length - 1 up to 59; 60..63 say it follows in 1..4 bytes. */
const LITERAL_INLINE_MAX = 60;
/**
 * The most output one input byte can yield: a 3-byte copy makes at most 64 bytes. A declared
 * length beyond that ratio cannot be honest, and refusing it first avoids a huge allocation.
 */
const MAX_EXPANSION = 22;
/** Below this many bytes a byte loop beats a native copy, whose call overhead dominates short copies. */
export const SHORT_COPY = 128;

/** A xerial stream of `data` in 32 KiB blocks, each compressed by `compressor`. */
export function compressSnappyXerial(data: Buffer, compressor: BlockCompressor = snappyBlockCompressor()): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, XERIAL_MAGIC.length);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, XERIAL_MAGIC.length + 4);
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = compressor.compress(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)));
    const length = Buffer.allocUnsafe(XERIAL_LENGTH_SIZE);
    length.writeInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** Decompress a snappy records section: a xerial stream or one raw block. */
export function decompressSnappy(data: Buffer): Buffer {
  if (!isXerial(data)) return decompressSnappyBlock(data, 0, data.length);
  if (data.length < XERIAL_HEADER_SIZE) throw corrupt(`xerial header needs ${XERIAL_HEADER_SIZE} bytes, ${data.length} present`);
  // The two version ints are not checked: the framing after them is what has to be right, and
  // refusing an unknown version number would only refuse data this reader can read.
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (data.length - pos < XERIAL_LENGTH_SIZE) throw corrupt(`xerial block length at byte ${pos} is truncated`);
    const length = data.readInt32BE(pos);
    pos += XERIAL_LENGTH_SIZE;
    if (length < 0 || length > data.length - pos) throw corrupt(`xerial block of ${length} bytes at byte ${pos} runs past the end`);
    blocks.push(decompressSnappyBlock(data, pos, pos + length));
    pos += length;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}

/** A raw block cannot start like this: after the preamble 82 53, 'N' would be a copy with no output yet. */
function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_MAGIC.length && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

/** Decompress the raw snappy block in data[start, end). */
export function decompressSnappyBlock(data: Buffer, start: number, end: number): Buffer {
  let pos = start;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= end) throw corrupt('block ends inside its length preamble');
    if (shift > 28) throw corrupt('length preamble is longer than 5 bytes');
    const byte = data[pos++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  if (length > (end - pos) * MAX_EXPANSION) throw corrupt(`block claims ${length} bytes from ${end - pos} compressed bytes`);
  const out = Buffer.allocUnsafe(length);
  const written = decodeElements(data, start, pos, end, out);
  if (written !== length) throw corrupt(`block decompressed to ${written} bytes, its preamble says ${length}`);
  return out;
}

/**
 * The elements in data[pos, end) of the block starting at `start`, written into `out`; returns
 * how many bytes they made. Nothing
 * follows the loop: V8 enters a long loop through cached on-stack-replacement code, and an
 * operation after it that the interpreter had never run would deoptimize on every call.
 */
function decodeElements(data: Buffer, start: number, pos: number, end: number, out: Buffer): number {
  const length = out.length;
  let op = 0;
  while (pos < end) {
    const tag = data[pos++]!;
    const kind = tag & 0x03;
    if (kind === TAG_LITERAL) {
      let n = tag >>> 2;
      if (n >= LITERAL_INLINE_MAX) {
        const extra = n - (LITERAL_INLINE_MAX - 1);
        if (end - pos < extra) throw corrupt('literal length is truncated');
        n = 0;
        for (let i = 0; i < extra; i++) n += data[pos + i]! * 2 ** (8 * i);
        pos += extra;
      }
      n += 1;
      if (n > end - pos) throw corrupt(`literal of ${n} bytes at byte ${pos - start} runs past the block`);
      if (n > length - op) throw corrupt(`output exceeds the declared ${length} bytes`);
      if (n < SHORT_COPY) for (let i = 0; i < n; i++) out[op + i] = data[pos + i]!;
      else out.set(data.subarray(pos, pos + n), op);
      pos += n;
      op += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === TAG_COPY_1) {
      if (end - pos < 1) throw corrupt('copy offset is truncated');
      n = 4 + ((tag >>> 2) & 0x07);
      offset = ((tag >>> 5) << 8) | data[pos]!;
      pos += 1;
    } else if (kind === TAG_COPY_2) {
      if (end - pos < 2) throw corrupt('copy offset is truncated');
      n = 1 + (tag >>> 2);
      offset = data[pos]! | (data[pos + 1]! << 8);
      pos += 2;
    } else {
      if (end - pos < 4) throw corrupt('copy offset is truncated');
      n = 1 + (tag >>> 2);
      offset = (data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16)) + data[pos + 3]! * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > op) throw corrupt(`copy offset ${offset} at output byte ${op} points outside the output`);
    if (n > length - op) throw corrupt(`output exceeds the declared ${length} bytes`);
    copyMatch(out, op, offset, n);
    op += n;
  }
  return op;
}

/**
 * Append the `n` bytes that start `offset` back. When they overlap the bytes being written the
 * copy repeats the last `offset` bytes (run-length style), which a single memmove would not do;
 * so copy in non-overlapping chunks, each twice as long as the one before. Short copies, the
 * common case, go byte by byte: a native copy costs more to call than it saves below SHORT_COPY.
 */
export function copyMatch(out: Buffer, op: number, offset: number, n: number): void {
  const from = op - offset;
  if (n < SHORT_COPY) {
    for (let i = 0; i < n; i++) out[op + i] = out[from + i]!;
    return;
  }
  let to = op;
  const end = op + n;
  while (to < end) {
    const chunk = Math.min(end - to, to - from);
    out.copyWithin(to, from, from + chunk);
    to += chunk;
  }
}

function corrupt(detail: string): CorruptBatchError {
  return new CorruptBatchError(`snappy records section is malformed: ${detail}`);
}
