// spool's own Node-API addon (native/, built at install by node-gyp): CRC-32C in three SSE4.2
// streams, and memory in transparent huge pages. Each function is present only where it works
// (the CPU, the OS), and the whole addon may be missing (no compiler at install): every caller has
// a fallback. Loaded on first use, once: a command that needs neither never pays for the dlopen.
//
// require() of a path relative to this module: the built addon lies three directories above it,
// as it does above every bundled chunk (scripts/bundle-cli.mjs).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeAddon {
  crc32c?: (input: Buffer) => number;
  hugePageMemory?: (bytes: number) => ArrayBuffer | null;
}

let addon: NativeAddon | null | undefined;

/** The addon, or null when it was not built. */
export function nativeAddon(): NativeAddon | null {
  if (addon !== undefined) return addon;
  try {
    addon = createRequire(import.meta.url)(fileURLToPath(new URL('../../../build/Release/spool_native.node', import.meta.url))) as NativeAddon;
  } catch {
    // Not built: the install found no compiler or no Node headers.
    addon = null;
  }
  return addon;
}
