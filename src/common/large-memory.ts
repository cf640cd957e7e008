// Memory for a large buffer that a process keeps and reuses (the producer's arena, a client's
// response pool). Where spool's addon is built and the OS has transparent huge pages, a buffer of
// 2 MiB or more is its own mapping in 2 MiB pages: a page fault per 2 MiB on first write instead
// of one per 4 KiB. A short command touches its buffers once and exits, so those faults are a
// cost of every run: 7 MiB of a produce's arena took 29 ms to fill the first time in 4 KiB pages
// on this project's VMs, 1.1 ms in huge pages (native/huge-pages.c). Smaller buffers, and every
// buffer where the addon or huge pages are missing, are ordinary memory.
import { nativeAddon } from './native-addon.js';

/** The smallest buffer given huge pages: one huge page. */
export const HUGE_PAGE_BYTES = 2 << 20;

/** `bytes` of uninitialised memory. */
export function largeMemory(bytes: number): ArrayBuffer {
  if (bytes >= HUGE_PAGE_BYTES) {
    const mapped = nativeAddon()?.hugePageMemory?.(bytes);
    if (mapped != null) return mapped;
  }
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}
