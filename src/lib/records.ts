// The records a program sends and receives (SPEC §10), and the conversions from the forms a
// program may give (strings, Buffers, header objects or pairs) to what a batch holds.
import { UsageError } from '../common/errors.js';
import { encodeHeaders, NO_HEADERS } from '../records/headers.js';
import type { RecordHeader } from '../records/record.js';

/** Bytes as a program gives them: a string is taken as UTF-8. */
export type Bytes = Buffer | Uint8Array | string;

/** Header values as a program gives them: pairs (a key may repeat) or an object. */
export type HeadersInput = ReadonlyArray<readonly [string, Bytes | null]> | Readonly<Record<string, Bytes | null>>;

/** A record to send. Without `partition`, a key goes where Kafka's default partitioner puts it. */
export interface ProducerRecord {
  key?: Bytes | null;
  /** null is a tombstone (for compacted topics). */
  value: Bytes | null;
  headers?: HeadersInput;
  /** Epoch milliseconds (or a Date); default: when it is sent. */
  timestamp?: number | Date;
  partition?: number;
}

/** Where an acknowledged record is stored. */
export interface RecordMetadata {
  partition: number;
  offset: number;
}

/** A record read back (`client.consume`). A null header value comes as an empty Buffer. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Epoch milliseconds. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer]>;
}

export function toBuffer(bytes: Bytes, what: string): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  if (Buffer.isBuffer(bytes)) return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new UsageError(`${what} must be a Buffer, a Uint8Array or a string`);
}

export function toNullableBuffer(bytes: Bytes | null | undefined, what: string): Buffer | null {
  return bytes === null || bytes === undefined ? null : toBuffer(bytes, what);
}

/** The headers' record bytes (records/headers.ts), encoded once per record. */
export function encodeHeadersInput(headers: HeadersInput | undefined): Buffer {
  if (headers === undefined) return NO_HEADERS;
  const pairs: ReadonlyArray<readonly [string, Bytes | null]> = Array.isArray(headers)
    ? (headers as ReadonlyArray<readonly [string, Bytes | null]>)
    : Object.entries(headers as Readonly<Record<string, Bytes | null>>);
  if (pairs.length === 0) return NO_HEADERS;
  const list: RecordHeader[] = pairs.map((pair) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string') throw new UsageError('headers must be [key, value] pairs with string keys, or an object');
    return { key: pair[0], value: toNullableBuffer(pair[1], `header "${pair[0]}"`) };
  });
  return encodeHeaders(list);
}

export function timestampOf(timestamp: number | Date | undefined, now: number): number {
  if (timestamp === undefined) return now;
  const ms = timestamp instanceof Date ? timestamp.getTime() : timestamp;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new UsageError(`invalid timestamp ${String(timestamp)}: use epoch milliseconds (a non-negative integer) or a Date`);
  return ms;
}
