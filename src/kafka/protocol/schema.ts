// The shape of Kafka's message schemas, in spool's own form: one declarative description per API
// (its request and response fields, the versions each field exists in, which versions are
// flexible), from which one generic decoder and encoder work (codec.ts). Adding a version is an
// edit of a table in apis/, never new parsing code.
//
// The facts come from Apache Kafka's message schemas (clients/src/main/resources/common/message/
// *.json): field names are Kafka's in lowerCamelCase ("PartitionIndex" -> "partitionIndex"), and
// version ranges are written as Kafka writes them: "3+", "0-7", "5", or "none".

/** A wire type with no inner fields. `records` is nullable bytes holding RecordBatches (kept by reference). */
export type Primitive =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

/** A field's type: a primitive, a struct of fields, or an array of either. */
export type FieldType = Primitive | { readonly struct: readonly Field[] } | { readonly arrayOf: Primitive | readonly Field[] };

export interface Field {
  /** Kafka's field name in lowerCamelCase. */
  readonly name: string;
  readonly type: FieldType;
  /** The versions in which the field is on the wire (as a regular or as a tagged field). */
  readonly versions: string;
  /** The versions in which it may be null (strings, bytes, records, arrays, structs). */
  readonly nullableVersions?: string;
  /** The versions in which it is a tagged field, with `tag`. */
  readonly taggedVersions?: string;
  readonly tag?: number;
  /**
   * The value a decoder gives the field in versions that do not carry it, and that an encoder
   * leaves out of the tagged fields. Without it: 0, false, '', the zero UUID, [] or null (when
   * nullable in the version at hand).
   */
  readonly default?: number | boolean | string | null;
}

export interface ApiSchema {
  readonly apiKey: number;
  readonly name: string;
  /** The versions spool accepts, the same as Apache Kafka 4.x, e.g. "3-12". */
  readonly validVersions: string;
  /**
   * The range announced in ApiVersions when it is wider than validVersions. Kafka 4.x announces
   * Produce 0-12 although it refuses 0-2, because librdkafka before 2.10 will not produce to a
   * broker whose Produce range does not start at 0 (KAFKA-18659). Absent: validVersions.
   */
  readonly advertisedVersions?: string;
  /** From which version on the messages are flexible (compact types, tagged fields), or "none". */
  readonly flexibleVersions: string;
  readonly request: readonly Field[];
  readonly response: readonly Field[];
}

/** A parsed version range: inclusive bounds, `high` Infinity for "N+". Empty for "none". */
export interface VersionRange {
  readonly low: number;
  readonly high: number;
}

const NONE: VersionRange = { low: 1, high: 0 };
const cache = new Map<string, VersionRange>();

export function versionRange(spec: string): VersionRange {
  let range = cache.get(spec);
  if (range !== undefined) return range;
  if (spec === 'none') range = NONE;
  else if (spec.endsWith('+')) range = { low: Number(spec.slice(0, -1)), high: Infinity };
  else if (spec.includes('-')) {
    const [low, high] = spec.split('-');
    range = { low: Number(low), high: Number(high) };
  } else range = { low: Number(spec), high: Number(spec) };
  if (!Number.isInteger(range.low) || (range.high !== Infinity && !Number.isInteger(range.high))) {
    throw new RangeError(`invalid version range "${spec}"`);
  }
  cache.set(spec, range);
  return range;
}

export function inVersions(spec: string | undefined, version: number): boolean {
  if (spec === undefined) return false;
  const range = versionRange(spec);
  return version >= range.low && version <= range.high;
}
