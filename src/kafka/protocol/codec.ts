// One decoder and one encoder for every Kafka message, driven by the declarative field lists in
// apis/ (schema.ts). The wire rules they follow, from Kafka's protocol guide and message schemas:
//
// - Big-endian fixed-width integers: int8, int16, uint16, int32, uint32, int64, float64; bool is
//   one byte (0 false, anything else true); uuid is 16 raw bytes.
// - A field exists on the wire only in the versions of its `versions` range. In other versions it
//   is neither read nor written, and a decoder gives it its default.
// - Non-flexible versions: string = int16 length + UTF-8 (-1 = null); bytes and records = int32
//   length + bytes (-1 = null); array = int32 count + elements (-1 = null).
// - Flexible versions (flexibleVersions): the compact forms, whose lengths are unsigned varints of
//   length + 1 (0 = null): compact string, compact bytes/records, compact array. Every struct,
//   the message itself included, ends with a tagged-field section:
//     uvarint count, then per field: uvarint tag, uvarint size, value (in ascending tag order).
//   A field is tagged in the versions of its taggedVersions; it is written only when its value
//   differs from its default, and a reader skips tags it does not know.
// - A nullable struct (rare) is preceded by an int8: -1 for null, 1 for present.
// - Null is only legal in a field's nullableVersions; a null elsewhere is a malformed message.
//
// Decoded byte and records fields are views into the frame (no copy). When encoding, a records
// field may be one Buffer or an array of Buffers (stored batches, in order); large byte values are
// passed to the output by reference (wire-writer.ts), so a Fetch response never copies its batches.
// Compilation per (field list, version, flexible) happens once (compiled-fields.ts).
import type { CompiledField, CompiledStruct } from './compiled-fields.js';
import { Kind, Placement, compileFields } from './compiled-fields.js';
import { KafkaProtocolError } from './kafka-protocol-error.js';
import type { Field } from './schema.js';
import type { RecordsValue } from './wire-writer.js';
import { WireWriter } from './wire-writer.js';
import { WireReader } from './wire-reader.js';

export type MessageValue = Record<string, unknown>;

/** Reads the fields of one struct (and, when flexible, its tagged-field section). */
export function decodeFields(fields: readonly Field[], version: number, flexible: boolean, reader: WireReader): MessageValue {
  return decodeStruct(compileFields(fields, version, flexible), reader);
}

/** Writes `value` as the fields of one struct (and, when flexible, its tagged-field section). */
export function encodeFields(fields: readonly Field[], version: number, flexible: boolean, value: object, writer: WireWriter): void {
  encodeStruct(compileFields(fields, version, flexible), value as MessageValue, writer);
}

function decodeStruct(struct: CompiledStruct, r: WireReader): MessageValue {
  const out: MessageValue = {};
  for (const f of struct.all) {
    out[f.name] = f.placement === Placement.Regular ? readValue(f, r, struct.flexible) : f.makeDefault();
  }
  if (struct.flexible) readTaggedFields(struct, r, out);
  return out;
}

function readTaggedFields(struct: CompiledStruct, r: WireReader, out: MessageValue): void {
  const count = r.uvarint();
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    if (tag <= previous) throw new KafkaProtocolError(`tagged field ${tag} out of order (after ${previous})`);
    previous = tag;
    const size = r.uvarint();
    const field = struct.byTag.get(tag);
    if (field === undefined) {
      r.skip(size);
      continue;
    }
    if (size > r.remaining) throw new KafkaProtocolError(`tagged field ${tag} of ${size} bytes runs past the frame`);
    const end = r.position + size;
    out[field.name] = readValue(field, r, struct.flexible);
    if (r.position !== end) throw new KafkaProtocolError(`tagged field ${tag} (${field.name}) is ${size} bytes but its value took ${size - (end - r.position)}`);
  }
}

function readValue(f: CompiledField, r: WireReader, flexible: boolean): unknown {
  switch (f.kind) {
    case Kind.Bool:
      return r.bool();
    case Kind.Int8:
      return r.int8();
    case Kind.Int16:
      return r.int16();
    case Kind.Uint16:
      return r.uint16();
    case Kind.Int32:
      return r.int32();
    case Kind.Uint32:
      return r.uint32();
    case Kind.Int64:
      return r.int64();
    case Kind.Float64:
      return r.float64();
    case Kind.Uuid:
      return r.uuid();
    case Kind.String: {
      const v = flexible ? r.compactNullableString() : r.nullableString();
      if (v === null && !f.nullable) throw new KafkaProtocolError(`null in non-nullable string ${f.name}`);
      return v;
    }
    case Kind.Bytes:
    case Kind.Records: {
      const v = flexible ? r.compactNullableBytes() : r.nullableBytes();
      if (v === null && !f.nullable) throw new KafkaProtocolError(`null in non-nullable bytes ${f.name}`);
      return v;
    }
    case Kind.Struct:
      if (f.nullable) {
        const marker = r.int8();
        if (marker < 0) return null;
      }
      return decodeStruct(f.struct!, r);
    default:
      return readArray(f, r, flexible);
  }
}

function readArray(f: CompiledField, r: WireReader, flexible: boolean): unknown[] | null {
  const element = f.element!;
  const n = flexible ? r.compactArrayLength(element.minBytes) : r.arrayLength(element.minBytes);
  if (n === -1) {
    if (!f.nullable) throw new KafkaProtocolError(`null in non-nullable array ${f.name}`);
    return null;
  }
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = readValue(element, r, flexible);
  return out;
}

function encodeStruct(struct: CompiledStruct, value: MessageValue, w: WireWriter): void {
  for (const f of struct.regular) writeValue(f, value[f.name], w, struct.flexible);
  if (!struct.flexible) return;
  let count = 0;
  for (const f of struct.tagged) if (!f.isDefault(value[f.name])) count++;
  w.uvarint(count);
  if (count === 0) return;
  for (const f of struct.tagged) {
    if (f.isDefault(value[f.name])) continue;
    const inner = new WireWriter(256);
    writeValue(f, value[f.name], inner, true);
    w.uvarint(f.tag);
    w.uvarint(inner.length);
    w.raw(inner.finish());
  }
}

function writeValue(f: CompiledField, given: unknown, w: WireWriter, flexible: boolean): void {
  const v = given === undefined ? f.makeDefault() : given;
  if (v === null && !f.nullable) throw new RangeError(`field ${f.name} is null but not nullable in this version`);
  switch (f.kind) {
    case Kind.Bool:
      return w.bool(v as boolean);
    case Kind.Int8:
      return w.int8(v as number);
    case Kind.Int16:
      return w.int16(v as number);
    case Kind.Uint16:
      return w.uint16(v as number);
    case Kind.Int32:
      return w.int32(v as number);
    case Kind.Uint32:
      return w.uint32(v as number);
    case Kind.Int64:
      return w.int64(v as number);
    case Kind.Float64:
      return w.float64(v as number);
    case Kind.Uuid:
      return w.uuid(v as string);
    case Kind.String:
      return flexible ? w.compactNullableString(v as string | null) : w.nullableString(v as string | null);
    case Kind.Bytes:
    case Kind.Records:
      return flexible ? w.compactNullableBytes(v as RecordsValue) : w.nullableBytes(v as RecordsValue);
    case Kind.Struct:
      if (f.nullable) {
        w.int8(v === null ? -1 : 1);
        if (v === null) return;
      }
      return encodeStruct(f.struct!, v as MessageValue, w);
    default: {
      const items = v as readonly unknown[] | null;
      if (flexible) w.compactArrayLength(items === null ? null : items.length);
      else w.arrayLength(items === null ? null : items.length);
      if (items !== null) for (const item of items) writeValue(f.element!, item, w, flexible);
    }
  }
}

/** Decodes a whole body that starts at `offset` and must end exactly at the end of `frame`. */
export function decodeBody(fields: readonly Field[], version: number, flexible: boolean, frame: Buffer, offset: number): MessageValue {
  const reader = new WireReader(frame, offset);
  const value = decodeFields(fields, version, flexible, reader);
  if (reader.remaining !== 0) throw new KafkaProtocolError(`${reader.remaining} bytes left over after the message body`);
  return value;
}
