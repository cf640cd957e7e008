// zstd decompression of a records section (RFC 8878 frames, as librdkafka and the Java client's
// zstd-jni write them: usually one frame without a content size). The decoding is fzstd's, a pure
// JavaScript decoder (synchronous, no WebAssembly to load), required on first use.
//
// Before fzstd sees the bytes, the frames are walked here: magic, header and every block header,
// so that truncation, a dictionary or a reserved bit get a precise CorruptBatchError, and so that
// no header can make fzstd allocate more than the blocks could ever produce. fzstd allocates the
// declared content size, or the window when there is none: a content size beyond what the blocks
// hold is refused, and so is a window beyond 128 MiB (zstd's own default limit for decoders).
//
//   frame     = magic 28 b5 2f fd | descriptor u8 | [window u8] | [dict id 1/2/4] | [content size 1/2/4/8]
//               block* (u24 LE: bit 0 last, bits 1-2 type, bits 3-23 size) | [checksum u32]
//   skippable = magic 5X 2a 4d 18 | size u32 LE | size bytes
import { createRequire } from 'node:module';
import { CorruptBatchError } from '../common/errors.js';

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

const FHD_SIZE_FLAG_SHIFT = 6;
const FHD_SINGLE_SEGMENT = 0x20;
const FHD_RESERVED = 0x08;
const FHD_CHECKSUM = 0x04;
const FHD_DICT_ID_MASK = 0x03;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;
/** A 2-byte content size field holds size - 256. */
const CONTENT_SIZE_2_BYTE_BASE = 256;

const BLOCK_HEADER_SIZE = 3;
const BLOCK_RAW = 0;
const BLOCK_RLE = 1;
const BLOCK_COMPRESSED = 2;
const BLOCK_MAX = 128 * 1024;
const CHECKSUM_SIZE = 4;
/** The largest window spool reads: 2^ZSTD_WINDOWLOG_LIMIT_DEFAULT, as the zstd library's decoder. */
const MAX_WINDOW = 2 ** 27;

interface Fzstd {
  decompress(data: Uint8Array): Uint8Array;
}

const require = createRequire(import.meta.url);
let fzstd: Fzstd | undefined;

/** Decompress a zstd records section: one or more frames, skippable frames skipped. */
export function decompressZstd(data: Buffer): Buffer {
  checkFrames(data);
  let out: Uint8Array;
  try {
    out = (fzstd ??= require('fzstd') as Fzstd).decompress(data);
  } catch (err) {
    throw corrupt((err as Error).message);
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Walk every frame's header and block headers; throws CorruptBatchError at the first defect. */
function checkFrames(data: Buffer): void {
  let pos = 0;
  do {
    need(data, pos, 4, 'frame magic');
    const magic = data.readUInt32LE(pos);
    pos += 4;
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(data, pos, 4, 'skippable frame size');
      const size = data.readUInt32LE(pos);
      need(data, pos + 4, size, 'skippable frame');
      pos += 4 + size;
    } else if (magic === FRAME_MAGIC) {
      pos = checkFrame(data, pos);
    } else {
      throw corrupt(`expected the zstd frame magic 28 b5 2f fd at byte ${pos - 4}`);
    }
  } while (pos < data.length);
}

/** One frame from just after its magic; returns the position after it. */
function checkFrame(data: Buffer, pos: number): number {
  need(data, pos, 1, 'frame header');
  const fhd = data[pos++]!;
  if (fhd & FHD_RESERVED) throw corrupt('reserved frame header bit is set');
  if (fhd & FHD_DICT_ID_MASK) throw corrupt('frame needs a dictionary, which Kafka clients never use');
  const singleSegment = (fhd & FHD_SINGLE_SEGMENT) !== 0;
  let window = 0;
  if (!singleSegment) {
    need(data, pos, 1, 'window descriptor');
    const descriptor = data[pos++]!;
    const base = 2 ** (10 + (descriptor >>> 3));
    window = base + (base / 8) * (descriptor & 0x07);
  }
  const sizeFlag = fhd >>> FHD_SIZE_FLAG_SHIFT;
  const sizeBytes = sizeFlag === 0 && singleSegment ? 1 : CONTENT_SIZE_BYTES[sizeFlag as 0 | 1 | 2 | 3];
  need(data, pos, sizeBytes, 'content size');
  let contentSize = -1;
  if (sizeBytes > 0) {
    contentSize = data.readUIntLE(pos, Math.min(sizeBytes, 6)) + (sizeBytes === 8 ? data.readUInt16LE(pos + 6) * 2 ** 48 : 0);
    if (sizeBytes === 2) contentSize += CONTENT_SIZE_2_BYTE_BASE;
    pos += sizeBytes;
  }
  if (singleSegment) window = contentSize;
  if (window > MAX_WINDOW) throw corrupt(`frame needs a ${window}-byte window, more than the ${MAX_WINDOW} bytes spool reads`);
  const blockMax = Math.min(window, BLOCK_MAX);
  let most = 0;
  for (let last = false; !last; ) {
    need(data, pos, BLOCK_HEADER_SIZE, 'block header');
    const header = data.readUIntLE(pos, BLOCK_HEADER_SIZE);
    pos += BLOCK_HEADER_SIZE;
    last = (header & 1) === 1;
    const type = (header >>> 1) & 0x03;
    const size = header >>> 3;
    if (size > blockMax) throw corrupt(`block of ${size} bytes is larger than the frame's ${blockMax}-byte maximum`);
    if (type === BLOCK_RAW || type === BLOCK_COMPRESSED) {
      need(data, pos, size, 'block');
      pos += size;
      most += type === BLOCK_RAW ? size : blockMax;
    } else if (type === BLOCK_RLE) {
      need(data, pos, 1, 'block');
      pos += 1;
      most += size;
    } else {
      throw corrupt('block type 3 is reserved');
    }
  }
  if (fhd & FHD_CHECKSUM) {
    need(data, pos, CHECKSUM_SIZE, 'content checksum');
    pos += CHECKSUM_SIZE;
  }
  if (contentSize > most) throw corrupt(`frame claims ${contentSize} bytes, its blocks hold at most ${most}`);
  return pos;
}

function need(data: Buffer, pos: number, bytes: number, what: string): void {
  if (data.length - pos < bytes) throw corrupt(`${what} at byte ${pos} is truncated`);
}

function corrupt(detail: string): CorruptBatchError {
  return new CorruptBatchError(`zstd records section is malformed: ${detail}`);
}
