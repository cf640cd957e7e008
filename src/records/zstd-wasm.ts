// The zstd reference library, built to WebAssembly by @bokuweb/zstd-wasm (the .wasm file ships
// inside the npm package: nothing is built or downloaded at install). Node 20's zlib has no zstd,
// and no native zstd binding installs without a compiler or a download, so this runs everywhere.
// Only the library's own C API is called (ZSTD_compress, ZSTD_decompress, malloc, free), through
// the package's emscripten Module.
//
// The package initialises asynchronously (`await init()`), but batches are built, read and
// compacted in synchronous code. Its emscripten loader accepts an `instantiateWasm` hook and Node
// compiles and instantiates a module synchronously, so the hook hands the instance over before
// `init` returns. The Module object lives in dist/common/module.js, which the package does not
// export: its version is pinned exactly in package.json for that reason, and the unit tests fail
// if that file moves. It is loaded on first use (~20 ms), by a process that meets zstd only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The C functions of the zstd library, as the emscripten Module exposes them (sizes are u32). */
interface ZstdModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _ZSTD_compressBound(bytes: number): number;
  _ZSTD_compress(dst: number, dstCapacity: number, src: number, srcSize: number, level: number): number;
  _ZSTD_decompress(dst: number, dstCapacity: number, src: number, srcSize: number): number;
  _ZSTD_isError(code: number): number;
  instantiateWasm?: (imports: object, receive: (instance: WasmInstance) => void) => object;
  init(): void;
}

interface WasmInstance {
  exports: object;
}

/** The two WebAssembly constructors used here (the TypeScript libs in use do not declare them). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}

/** What a zstd call answered: the bytes, or the library's error code (ZSTD_ErrorCode). */
export type ZstdResult = { ok: true; bytes: Buffer } | { ok: false; code: number };

const require = createRequire(import.meta.url);
let loaded: ZstdModule | undefined;

/** One zstd frame of `data` at `level`, its content size in the header. */
export function zstdCompress(data: Buffer, level: number): Buffer {
  const zstd = module();
  const result = call(zstd, data, zstd._ZSTD_compressBound(data.length), (dst, capacity, src) => zstd._ZSTD_compress(dst, capacity, src, data.length, level));
  if (!result.ok) throw new Error(`zstd compression failed with error ${result.code}`);
  return result.bytes;
}

/** The frames of `data` decompressed into at most `capacity` bytes. */
export function zstdDecompress(data: Buffer, capacity: number): ZstdResult {
  const zstd = module();
  return call(zstd, data, capacity, (dst, cap, src) => zstd._ZSTD_decompress(dst, cap, src, data.length));
}

/** Copy `data` into the wasm heap, run `fn` into a `capacity`-byte output there, copy the result out. */
function call(zstd: ZstdModule, data: Buffer, capacity: number, fn: (dst: number, capacity: number, src: number) => number): ZstdResult {
  const src = zstd._malloc(Math.max(data.length, 1));
  const dst = zstd._malloc(Math.max(capacity, 1));
  try {
    if (src === 0 || dst === 0) throw new RangeError(`zstd cannot allocate ${data.length + capacity} bytes`);
    zstd.HEAPU8.set(data, src);
    const written = fn(dst, capacity, src);
    // size_t is 32 bits in wasm32 and comes back signed: error codes are -1..-120.
    if (zstd._ZSTD_isError(written)) return { ok: false, code: -written };
    return { ok: true, bytes: Buffer.from(zstd.HEAPU8.subarray(dst, dst + written)) };
  } finally {
    if (dst !== 0) zstd._free(dst);
    if (src !== 0) zstd._free(src);
  }
}

function module(): ZstdModule {
  if (loaded !== undefined) return loaded;
  const dir = dirname(require.resolve('@bokuweb/zstd-wasm'));
  const { Module } = require(join(dir, 'module.js')) as { Module: ZstdModule };
  const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };
  const compiled = new WebAssembly.Module(readFileSync(join(dir, 'zstd.wasm')));
  Module.instantiateWasm = (imports, receive) => {
    const instance = new WebAssembly.Instance(compiled, imports);
    receive(instance);
    return instance.exports;
  };
  Module.init();
  loaded = Module;
  return Module;
}
