// int64 fields as JavaScript numbers. Offsets and timestamps stay within Number.MAX_SAFE_INTEGER;
// reading a value outside that range is reported instead of silently rounded.
import { CorruptBatchError } from '../common/errors.js';

const TWO_32 = 0x1_0000_0000;

export function readInt64(buf: Uint8Array, pos: number): number {
  const hi = (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
  const lo = ((buf[pos + 4]! << 24) | (buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!) >>> 0;
  const value = hi * TWO_32 + lo;
  if (!Number.isSafeInteger(value)) throw new CorruptBatchError(`int64 at byte ${pos} is outside the safe integer range`);
  return value;
}

export function writeInt64(buf: Uint8Array, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  const lo = value - hi * TWO_32;
  buf[pos] = hi >>> 24;
  buf[pos + 1] = hi >>> 16;
  buf[pos + 2] = hi >>> 8;
  buf[pos + 3] = hi;
  buf[pos + 4] = lo >>> 24;
  buf[pos + 5] = lo >>> 16;
  buf[pos + 6] = lo >>> 8;
  buf[pos + 7] = lo;
}
