// Kafka's variable-length integers: protobuf base-128 varints of zigzag-encoded values. Record
// fields use `varint` (int32 range) and `varlong` (int64 range; here bounded to safe integers).
// Functions write at a position and return the position after the bytes they wrote.

export function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

/**
 * Bytes a zigzag varint of `value` (int32) takes: one per 7 significant bits, at least one.
 * Branch-free, because it is inlined into the framing loop, and a comparison reached for the first
 * time (the 64th record of a batch, the 8,192nd) throws the loop's optimised code away.
 * ((bits - 1) * 37) >> 8 is (bits - 1) / 7, exact for 0..31.
 */
export function varintSize(value: number): number {
  return (((31 - Math.clz32(zigzag32(value) | 1)) * 37) >> 8) + 1;
}

export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let z = zigzag32(value);
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

// The zigzag form of a safe integer needs up to 54 bits, and an odd number above 2^53 is not a
// double: -2v - 1 would round for v below -2^52. So the lowest 7-bit group (6 magnitude bits and
// the sign) is formed from the value itself, and only the rest (magnitude / 64) goes through
// floating-point division, where every step stays exact.
function lowGroup(value: number): number {
  return value >= 0 ? (value % 64) * 2 : ((-value - 1) % 64) * 2 + 1;
}

function restAfterLowGroup(value: number): number {
  return Math.floor((value >= 0 ? value : -value - 1) / 64);
}

/** Bytes a zigzag varlong of `value` (a safe integer) takes. */
export function varlongSize(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return varintSize(value);
  let rest = restAfterLowGroup(value);
  let size = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarint(buf, pos, value);
  let group = lowGroup(value);
  let rest = restAfterLowGroup(value);
  while (rest > 0) {
    buf[pos++] = group | 0x80;
    group = rest % 128;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = group;
  return pos;
}
