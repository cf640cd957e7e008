// Record headers encoded once into the bytes that follow a record's value (count, then each
// header), so a producer that stamps the same headers on every record copies them instead of
// re-encoding them per record.
import type { RecordHeader } from './record.js';
import { varintSize, writeVarint } from './varint.js';

export function encodeHeaders(headers: readonly RecordHeader[]): Buffer {
  const keys = headers.map((h) => Buffer.from(h.key, 'utf8'));
  let size = varintSize(headers.length);
  headers.forEach((h, i) => {
    const keyLength = keys[i]!.length;
    const valueLength = h.value === null ? -1 : h.value.length;
    size += varintSize(keyLength) + keyLength + varintSize(valueLength) + Math.max(valueLength, 0);
  });
  const out = Buffer.allocUnsafe(size);
  let pos = writeVarint(out, 0, headers.length);
  headers.forEach((h, i) => {
    const key = keys[i]!;
    pos = writeVarint(out, pos, key.length);
    pos += key.copy(out, pos);
    if (h.value === null) {
      pos = writeVarint(out, pos, -1);
    } else {
      pos = writeVarint(out, pos, h.value.length);
      pos += h.value.copy(out, pos);
    }
  });
  return out;
}

export const NO_HEADERS = encodeHeaders([]);
