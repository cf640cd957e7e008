// zstd compression for spool's writers: the reference C library built to WebAssembly by
// @bokuweb/zstd-wasm (the wasm file ships inside the npm package; nothing is built or downloaded
// at install). Node 20's zlib has no zstd and no native zstd binding installs without a compiler
// or a download, so this is the one writer that runs everywhere.
//
// The package initialises asynchronously (`await init()`), but batches are built and compacted in
// synchronous code. Its emscripten loader accepts an `instantiateWasm` hook, and Node compiles and
// instantiates a module synchronously, so the hook hands the instance over before `init` returns.
// The hook lives on the loader's Module object (dist/common/module.js), which the package does not
// export; the version is pinned exactly in package.json for that reason, and the unit tests fail
// if that file ever moves. It is loaded on first use: ~20 ms, paid only by a process that writes zstd.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Kafka's default compression.zstd.level. */
export const ZSTD_DEFAULT_LEVEL = 3;

interface ZstdWasm {
  compress(data: Uint8Array, level?: number): Uint8Array;
}

interface EmscriptenModule {
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

const require = createRequire(import.meta.url);
let zstd: ZstdWasm | undefined;

/** One zstd frame (content size in its header) of `data`. */
export function compressZstd(data: Buffer, level = ZSTD_DEFAULT_LEVEL): Buffer {
  const out = (zstd ??= loadZstdWasm()).compress(data, level);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function loadZstdWasm(): ZstdWasm {
  const dir = dirname(require.resolve('@bokuweb/zstd-wasm'));
  const { Module } = require(join(dir, 'module.js')) as { Module: EmscriptenModule };
  const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };
  const compiled = new WebAssembly.Module(readFileSync(join(dir, 'zstd.wasm')));
  Module.instantiateWasm = (imports, receive) => {
    const instance = new WebAssembly.Instance(compiled, imports);
    receive(instance);
    return instance.exports;
  };
  Module.init();
  return require('@bokuweb/zstd-wasm') as ZstdWasm;
}
