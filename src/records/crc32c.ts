// CRC-32C (Castagnoli), the checksum of RecordBatch v2. The SIMD implementation in @node-rs/crc32
// runs about ten times faster than a table-driven loop in JavaScript, and every byte produced or
// stored passes through it at least once.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

export function crc32c(data: Uint8Array): number {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return nativeCrc32c(buf) >>> 0;
}
