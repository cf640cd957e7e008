// zstd as Kafka clients put it in a records section (RFC 8878 frames; librdkafka and the Java
// client's zstd-jni usually write one frame without a content size), read and written by the zstd
// library itself in WebAssembly (zstd-wasm.ts); spool writes one frame at Kafka's default level 3.
//
// ZSTD_decompress needs an output buffer large enough before it starts. So the frames are walked
// here first: magic, header and every block header. That gives truncation, a dictionary or a
// reserved bit a precise CorruptBatchError, and an upper bound on the output: the content size
// when the header has one, else each block's own size (raw, RLE) or the block maximum
// (compressed: min(window, 128 KiB)). A content size beyond what the blocks can hold, a window
// beyond 128 MiB (zstd's own default limit for decoders) or a bound beyond 1 GiB is refused, so
// no header can make spool allocate more than its blocks could produce.
//
//   frame     = magic 28 b5 2f fd | descriptor u8 | [window u8] | [dict id 1/2/4] | [content size 1/2/4/8]
//               block* (u24 LE: bit 0 last, bits 1-2 type, bits 3-23 size) | [checksum u32]
//   skippable = magic 5X 2a 4d 18 | size u32 LE | size bytes
import { CorruptBatchError } from '../common/errors.js';
import { type FrameFormat, walkFrames } from './frame-walk.js';
import { type ZstdResult, zstdCompress, zstdDecompress } from './zstd-wasm.js';

const FRAME_MAGIC = 0xfd2fb528;
const ZSTD_FRAMES: FrameFormat = { name: 'zstd', frameName: 'zstd frame', magic: FRAME_MAGIC };

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
/** The most a records section may decompress to. */
const MAX_OUTPUT = 2 ** 30;
/** Kafka's default compression.zstd.level. */
export const ZSTD_DEFAULT_LEVEL = 3;

/** The ZSTD_ErrorCode values a damaged frame can bring, in words. */
const ZSTD_ERRORS: Record<number, string> = {
  10: 'unknown frame prefix',
  14: 'unsupported frame parameter',
  16: 'window too large',
  20: 'data corrupted',
  22: 'checksum does not match',
  24: 'literals header is wrong',
  30: 'dictionary corrupted',
  32: 'dictionary wrong',
  64: 'out of memory',
  70: 'frame decompresses to more than its blocks can hold',
  72: 'frame size is wrong',
};

/** One zstd frame of `data` (its content size in the header). */
export function compressZstd(data: Buffer, level = ZSTD_DEFAULT_LEVEL): Buffer {
  return zstdCompress(data, level);
}

/** Decompress a zstd records section: one or more frames, skippable frames skipped. */
export function decompressZstd(data: Buffer): Buffer {
  const bound = outputBound(data);
  let result: ZstdResult;
  try {
    result = zstdDecompress(data, bound);
  } catch (err) {
    // A trap inside the library (never seen, but the input is untrusted) is damage, not a bug here.
    if (err instanceof (globalThis as unknown as { WebAssembly: { RuntimeError: typeof Error } }).WebAssembly.RuntimeError) {
      throw corrupt(`the decoder stopped: ${err.message}`);
    }
    throw err;
  }
  if (!result.ok) throw corrupt(ZSTD_ERRORS[result.code] ?? `zstd error ${result.code}`);
  return result.bytes;
}

/** Walk every frame's header and block headers: the most the frames can decompress to. */
function outputBound(data: Buffer): number {
  let bound = 0;
  walkFrames(data, ZSTD_FRAMES, (pos) => {
    const frame = checkFrame(data, pos);
    bound += frame.bound;
    if (bound > MAX_OUTPUT) throw corrupt(`frames decompress to more than the ${MAX_OUTPUT} bytes spool reads`);
    return frame.end;
  });
  return bound;
}

/** One frame from just after its magic: the position after it and the most it decompresses to. */
function checkFrame(data: Buffer, pos: number): { end: number; bound: number } {
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
  return { end: pos, bound: contentSize >= 0 ? contentSize : most };
}

function need(data: Buffer, pos: number, bytes: number, what: string): void {
  if (data.length - pos < bytes) throw corrupt(`${what} at byte ${pos} is truncated`);
}

function corrupt(detail: string): CorruptBatchError {
  return new CorruptBatchError(`zstd records section is malformed: ${detail}`);
}
