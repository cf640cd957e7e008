// A field list compiled for one (version, flexible) pair: which fields are on the wire as regular
// fields, which as tagged fields (sorted by tag), which are absent and take their default, and the
// fewest bytes a struct can take (to refuse impossible array counts early). Compiling reads the
// version-range strings once; the result is cached per field list, so the hot path (Produce,
// Fetch) never looks at a range string again.
import type { Field, FieldType, Primitive } from './schema.js';
import { inVersions } from './schema.js';

export const Kind = {
  Bool: 0,
  Int8: 1,
  Int16: 2,
  Uint16: 3,
  Int32: 4,
  Uint32: 5,
  Int64: 6,
  Float64: 7,
  Uuid: 8,
  String: 9,
  Bytes: 10,
  Records: 11,
  Struct: 12,
  Array: 13,
} as const;
export type KindCode = (typeof Kind)[keyof typeof Kind];

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const EMPTY = Buffer.alloc(0);

const PRIMITIVE_KINDS: Record<Primitive, KindCode> = {
  bool: Kind.Bool,
  int8: Kind.Int8,
  int16: Kind.Int16,
  uint16: Kind.Uint16,
  int32: Kind.Int32,
  uint32: Kind.Uint32,
  int64: Kind.Int64,
  float64: Kind.Float64,
  uuid: Kind.Uuid,
  string: Kind.String,
  bytes: Kind.Bytes,
  records: Kind.Records,
};

const FIXED_BYTES: Partial<Record<KindCode, number>> = {
  [Kind.Bool]: 1,
  [Kind.Int8]: 1,
  [Kind.Int16]: 2,
  [Kind.Uint16]: 2,
  [Kind.Int32]: 4,
  [Kind.Uint32]: 4,
  [Kind.Int64]: 8,
  [Kind.Float64]: 8,
  [Kind.Uuid]: 16,
};

export const Placement = { Absent: 0, Regular: 1, Tagged: 2 } as const;

export interface CompiledField {
  readonly name: string;
  /** Where the field is in this version: absent (default), a regular field, or a tagged one. */
  readonly placement: (typeof Placement)[keyof typeof Placement];
  readonly kind: KindCode;
  readonly nullable: boolean;
  /** The tag in the tagged-field section, or -1 for a regular (or absent) field. */
  readonly tag: number;
  /** For Struct, and for Array of structs: the element struct. */
  readonly struct: CompiledStruct | null;
  /** For Array: the element, as a non-nullable field of its own. */
  readonly element: CompiledField | null;
  /** The fewest bytes the field takes when it is a regular field. */
  readonly minBytes: number;
  /** A fresh copy of the default (arrays and structs are new objects each time). */
  readonly makeDefault: () => unknown;
  /** Whether a value equals the default (decides whether a tagged field is written). */
  readonly isDefault: (value: unknown) => boolean;
}

export interface CompiledStruct {
  readonly flexible: boolean;
  /** Every field in declared order, so that decoded objects keep Kafka's field order. */
  readonly all: readonly CompiledField[];
  readonly regular: readonly CompiledField[];
  /** On the wire in the tagged-field section, by ascending tag. */
  readonly tagged: readonly CompiledField[];
  readonly byTag: ReadonlyMap<number, CompiledField>;
  readonly minBytes: number;
}

const cache = new WeakMap<readonly Field[], Map<number, CompiledStruct>>();

export function compileFields(fields: readonly Field[], version: number, flexible: boolean): CompiledStruct {
  let perVersion = cache.get(fields);
  if (perVersion === undefined) {
    perVersion = new Map();
    cache.set(fields, perVersion);
  }
  const key = version * 2 + (flexible ? 1 : 0);
  let compiled = perVersion.get(key);
  if (compiled === undefined) {
    compiled = compileStruct(fields, version, flexible);
    perVersion.set(key, compiled);
  }
  return compiled;
}

function compileStruct(fields: readonly Field[], version: number, flexible: boolean): CompiledStruct {
  const all: CompiledField[] = [];
  const regular: CompiledField[] = [];
  const tagged: CompiledField[] = [];
  for (const field of fields) {
    const present = inVersions(field.versions, version);
    const isTagged = present && flexible && inVersions(field.taggedVersions, version);
    if (isTagged && field.tag === undefined) throw new RangeError(`tagged field ${field.name} has no tag`);
    const compiled: CompiledField = {
      ...compileField(field, field.type, version, flexible, {
        nullable: inVersions(field.nullableVersions, version),
        tag: isTagged ? field.tag! : -1,
      }),
      placement: isTagged ? Placement.Tagged : present ? Placement.Regular : Placement.Absent,
    };
    all.push(compiled);
    if (isTagged) tagged.push(compiled);
    else if (present) regular.push(compiled);
  }
  tagged.sort((a, b) => a.tag - b.tag);
  let minBytes = flexible ? 1 : 0;
  for (const f of regular) minBytes += f.minBytes;
  return { flexible, all, regular, tagged, byTag: new Map(tagged.map((f) => [f.tag, f])), minBytes };
}

function compileField(
  field: Field,
  type: FieldType,
  version: number,
  flexible: boolean,
  shape: { nullable: boolean; tag: number },
): CompiledField {
  const { nullable, tag } = shape;
  if (typeof type === 'string') {
    const kind = PRIMITIVE_KINDS[type];
    const fixed = FIXED_BYTES[kind];
    const minBytes = fixed ?? (flexible ? 1 : kind === Kind.String ? 2 : 4);
    return primitiveField(field, kind, nullable, tag, minBytes);
  }
  if ('struct' in type) {
    const struct = compileStruct(type.struct, version, flexible);
    const explicitNull = field.default === null;
    return {
      name: field.name,
      placement: Placement.Regular,
      kind: Kind.Struct,
      nullable,
      tag,
      struct,
      element: null,
      minBytes: nullable ? 1 : struct.minBytes,
      makeDefault: () => (nullable || explicitNull ? null : structDefault(struct)),
      isDefault: (v) => v === undefined || (v === null ? nullable || explicitNull : structIsDefault(struct, v)),
    };
  }
  const inner = type.arrayOf;
  const element =
    typeof inner === 'string'
      ? compileField({ name: field.name, type: inner, versions: '0+' }, inner, version, flexible, { nullable: false, tag: -1 })
      : compileField({ name: field.name, type: { struct: inner }, versions: '0+' }, { struct: inner }, version, flexible, {
          nullable: false,
          tag: -1,
        });
  const nullDefault = field.default === null || (field.default === undefined && nullable);
  return {
    name: field.name,
    placement: Placement.Regular,
    kind: Kind.Array,
    nullable,
    tag,
    struct: element.struct,
    element,
    minBytes: flexible ? 1 : 4,
    makeDefault: () => (nullDefault ? null : []),
    isDefault: (v) => v === undefined || (v === null ? nullDefault : !nullDefault && (v as readonly unknown[]).length === 0),
  };
}

function primitiveField(field: Field, kind: KindCode, nullable: boolean, tag: number, minBytes: number): CompiledField {
  const value = primitiveDefault(field, kind, nullable);
  const byteKind = kind === Kind.Bytes || kind === Kind.Records;
  return {
    name: field.name,
    placement: Placement.Regular,
    kind,
    nullable,
    tag,
    struct: null,
    element: null,
    minBytes,
    makeDefault: () => value,
    isDefault: byteKind
      ? (v) => v === undefined || (v === null ? value === null : value !== null && byteLength(v) === 0)
      : kind === Kind.Uuid
        ? (v) => v === undefined || (typeof v === 'string' && v.toLowerCase() === value)
        : (v) => v === undefined || v === value,
  };
}

function primitiveDefault(field: Field, kind: KindCode, nullable: boolean): unknown {
  const given = field.default;
  if (given === null) return null;
  if (given !== undefined) {
    if (kind === Kind.Bytes || kind === Kind.Records) return EMPTY;
    return given;
  }
  switch (kind) {
    case Kind.Bool:
      return false;
    case Kind.Uuid:
      return ZERO_UUID;
    case Kind.String:
      return nullable ? null : '';
    case Kind.Bytes:
    case Kind.Records:
      return nullable ? null : EMPTY;
    default:
      return 0;
  }
}

function byteLength(v: unknown): number {
  if (Buffer.isBuffer(v)) return v.length;
  let n = 0;
  for (const piece of v as readonly Buffer[]) n += piece.length;
  return n;
}

function structDefault(struct: CompiledStruct): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of struct.all) out[f.name] = f.makeDefault();
  return out;
}

function structIsDefault(struct: CompiledStruct, value: unknown): boolean {
  const record = value as Record<string, unknown>;
  for (const f of struct.regular) if (!f.isDefault(record[f.name])) return false;
  for (const f of struct.tagged) if (!f.isDefault(record[f.name])) return false;
  return true;
}
