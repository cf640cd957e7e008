// The block compressors behind spool's snappy and lz4 writers (snappy.ts frames the blocks as
// xerial, lz4.ts as an LZ4 frame). lz4's is the native napi-rs binding `lz4-napi` (lz4_flex; its
// binaries come inside per-platform npm packages, so nothing is compiled or downloaded at install)
// where the platform has one, else the pure JavaScript `lz4js`, so `npm ci` and every codec work
// on any CPU; the native one compresses 1 MiB of log lines about 1.7x faster. snappy's is the pure
// JavaScript `snappyjs`: the native `snappy` binding measured no faster (within 20% either way;
// test/bench/codecs.ts). Reading stays with the hand-written readers, which no measured library
// clearly beats.
//
// Modules are required on first use, not imported: a command that never compresses never loads them.
import { createRequire } from 'node:module';

/** Compresses one block in a codec's raw block format. */
export interface BlockCompressor {
  readonly kind: 'native' | 'javascript';
  /** The compressed block; an empty buffer means "found nothing to compress" (lz4js only). */
  compress(data: Buffer): Buffer;
}

const require = createRequire(import.meta.url);

interface SnappyJs {
  compress(input: Buffer): Buffer;
}

interface NativeLz4 {
  /** lz4_flex's compress_prepend_size: a u32 LE uncompressed size, then the raw block. */
  compressSync(input: Buffer): Buffer;
}

interface Lz4Js {
  compressBound(n: number): number;
  /** Bytes written to dst, or 0 when it found no match at all (the caller stores the block). */
  compressBlock(src: Uint8Array, dst: Uint8Array, srcIndex: number, srcLength: number, hashTable: Uint32Array): number;
}

const LZ4_SIZE_PREFIX = 4;
/** lz4js hashes 4-byte sequences to 16 bits; its compressBlock takes the caller's table. */
const LZ4JS_HASH_SLOTS = 1 << 16;

let snappyCompressor: BlockCompressor | undefined;
let lz4Compressor: BlockCompressor | undefined;

/** Raw snappy blocks (one varint length, then elements). */
export function snappyBlockCompressor(): BlockCompressor {
  return (snappyCompressor ??= javascriptSnappy());
}

/** Raw LZ4 blocks (sequences only; the frame around them is lz4.ts's). */
export function lz4BlockCompressor(): BlockCompressor {
  if (lz4Compressor === undefined) {
    const native = loadNative<NativeLz4>('lz4-napi');
    lz4Compressor = native === null ? javascriptLz4() : { kind: 'native', compress: (data) => native.compressSync(data).subarray(LZ4_SIZE_PREFIX) };
  }
  return lz4Compressor;
}

/** snappyjs. */
export function javascriptSnappy(): BlockCompressor {
  const snappyjs = require('snappyjs') as SnappyJs;
  return { kind: 'javascript', compress: (data) => snappyjs.compress(data) };
}

/** lz4js's block compressor: the fallback where no native binding loads. */
export function javascriptLz4(): BlockCompressor {
  const lz4js = require('lz4js') as Lz4Js;
  const hashTable = new Uint32Array(LZ4JS_HASH_SLOTS);
  return {
    kind: 'javascript',
    compress(data) {
      // Positions in the table are per block; stale ones would only cost failed match checks.
      hashTable.fill(0);
      const out = Buffer.allocUnsafe(lz4js.compressBound(data.length));
      const written = lz4js.compressBlock(data, out, 0, data.length, hashTable);
      // 0: no match at all, so the frame writer stores the block uncompressed.
      return out.subarray(0, written);
    },
  };
}

/** The binding, or null when this platform has none (its loader throws on a missing binary). */
function loadNative<T>(name: string): T | null {
  try {
    return require(name) as T;
  } catch {
    return null;
  }
}
