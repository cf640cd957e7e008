// CRC-32C (Castagnoli), the checksum of RecordBatch v2. Every byte produced or stored passes
// through it at least once (twice: the producer sums a batch, the broker checks it), so it runs
// in native code: spool's own addon (native/crc32c.c, built at install: three streams of the
// SSE4.2 instruction, about 26 GB/s here) or, where that did not build or the CPU lacks SSE4.2,
// @node-rs/crc32 (one stream, about 6.5 GB/s); either is ten to forty times a table-driven loop in
// JavaScript. Small inputs (a batch of a few short records: a one-line `spool produce`) take the
// table instead: loading an addon costs a command that sends one record more than all its
// checksums, and a short loop beats a call into native code.
import { createRequire } from 'node:module';
import { nativeAddon } from '../common/native-addon.js';

type Crc32c = (input: Buffer) => number;

/** Inputs up to this size are summed in JavaScript. */
const TABLE_MAX_BYTES = 256;
/** The reflected Castagnoli polynomial. */
const POLYNOMIAL = 0x82f63b78;

let native: Crc32c | null = null;
let nativeName: 'spool' | '@node-rs/crc32' | null = null;
let table: Int32Array | null = null;

export function crc32c(data: Uint8Array): number {
  if (data.length <= TABLE_MAX_BYTES) return crc32cTable(data);
  native ??= loadNative();
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return native(buf) >>> 0;
}

/** Which addon sums large inputs (loading it if no input has yet). */
export function crc32cAddon(): 'spool' | '@node-rs/crc32' {
  native ??= loadNative();
  return nativeName!;
}

/** The same sum by a byte-at-a-time table (exported for tests to compare with the addon). */
export function crc32cTable(data: Uint8Array): number {
  const t = (table ??= makeTable());
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

// require() rather than an ESM import: Node would scan @node-rs/crc32's CommonJS loader (28 KB)
// for its export names first, and it loads only when a large input needs it.
//
// @node-rs/crc32's allocator (mimalloc) reserves its arena with MADV_HUGEPAGE, so its first
// allocation makes a whole 2 MiB page resident for a few bytes of state: 2 MiB of the broker's RSS.
// spool's own processes (cli/main.ts, cli/broker-daemon.ts) set MIMALLOC_ALLOW_THP=0, which
// mimalloc reads as the addon loads and which then turns transparent huge pages off for the
// process (prctl). That also turns ordinary pages for spool's own large buffers, which ask for huge
// pages through the addon (common/large-memory.ts), but only where this fallback loads: where
// spool's addon did not build. A library user's process is left as it is.
function loadNative(): Crc32c {
  const own = nativeAddon()?.crc32c;
  if (own !== undefined) {
    nativeName = 'spool';
    return own;
  }
  nativeName = '@node-rs/crc32';
  return (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: Crc32c }).crc32c;
}
