// Representative values for any Kafka schema at any version, built from the compiled field list:
// every field on the wire in that version gets a value that differs from its default (so tagged
// fields are really written), nullable fields alternate between null and a value, and fields the
// version does not carry hold their defaults (what a decoder gives back for them).
import type { CompiledField, CompiledStruct } from '../../src/kafka/protocol/compiled-fields.js';
import { Kind, Placement, compileFields } from '../../src/kafka/protocol/compiled-fields.js';
import type { Field } from '../../src/kafka/protocol/schema.js';

export interface SampleOptions {
  /** Size of records/bytes values; above BYTES_BY_REFERENCE they are passed by reference. */
  readonly bytesLength?: number;
  /** Starting point of the pseudo-random sequence, so several samples differ. */
  readonly seed?: number;
  /** Whether nullable fields start with null (then alternate). */
  readonly nullFirst?: boolean;
}

export function sampleMessage(fields: readonly Field[], version: number, flexible: boolean, options: SampleOptions = {}): Record<string, unknown> {
  const state = { n: options.seed ?? 1, nulls: options.nullFirst ?? false, bytesLength: options.bytesLength ?? 37 };
  return sampleStruct(compileFields(fields, version, flexible), state);
}

interface State {
  n: number;
  nulls: boolean;
  bytesLength: number;
}

function next(state: State): number {
  state.n = (state.n * 1103515245 + 12345) % 2147483648;
  return state.n;
}

function sampleStruct(struct: CompiledStruct, state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of struct.all) out[f.name] = f.placement === Placement.Absent ? f.makeDefault() : sampleField(f, state);
  return out;
}

function sampleField(f: CompiledField, state: State): unknown {
  if (f.nullable) {
    state.nulls = !state.nulls;
    if (state.nulls) return null;
  }
  return sampleValue(f, state);
}

function sampleValue(f: CompiledField, state: State): unknown {
  const r = next(state);
  switch (f.kind) {
    case Kind.Bool:
      return !(f.isDefault(false) ? false : true);
    case Kind.Int8:
      return (r % 200) - 100 || 7;
    case Kind.Int16:
      return (r % 60000) - 30000 || 11;
    case Kind.Uint16:
      return (r % 65535) + 1;
    case Kind.Int32:
      return (r % 2000000000) - 1000000000 || 13;
    case Kind.Uint32:
      return (r % 4000000000) + 1;
    case Kind.Int64:
      return r % 2 === 0 ? r * 4096 + 17 : -(r * 1024) - 3;
    case Kind.Float64:
      return r / 7;
    case Kind.Uuid:
      return uuidFrom(r);
    case Kind.String:
      return `s${r.toString(36)}-é`;
    case Kind.Bytes:
    case Kind.Records: {
      const b = Buffer.alloc(state.bytesLength);
      for (let i = 0; i < b.length; i++) b[i] = (r + i * 31) & 0xff;
      return b;
    }
    case Kind.Struct:
      return sampleStruct(f.struct!, state);
    default: {
      const count = f.element!.kind === Kind.Struct ? 2 : 3;
      return Array.from({ length: count }, () => sampleValue(f.element!, state));
    }
  }
}

function uuidFrom(r: number): string {
  const hex = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) hex[i] = (r >>> (i % 4) * 8) ^ (i * 37);
  const s = hex.toString('hex');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Every version in an "a-b" or "a" range (validVersions is never open-ended). */
export function versionsOf(range: string): number[] {
  const [low, high] = range.includes('-') ? range.split('-').map(Number) : [Number(range), Number(range)];
  const out: number[] = [];
  for (let v = low!; v <= high!; v++) out.push(v);
  return out;
}
