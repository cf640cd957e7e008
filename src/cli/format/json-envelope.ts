// The JSON envelope (SPEC §4): one record as one JSON object, written by `consume --format json`
// and read back by `produce --json`, so the two together copy a topic with keys, headers and
// timestamps. Writing works straight from a RecordCursor into an OutputBuffer; bytes that are not
// valid UTF-8 travel as base64 and are marked so that the round trip is exact.
//
//   {"topic":"t","partition":0,"offset":42,"timestamp":1764000000000,
//    "key":"k"|null[,"keyEncoding":"base64"],"value":"v"|null[,"valueEncoding":"base64"],
//    "headers":{"h":"v"|null|["v1","v2"]}[,"headerEncodings":{"h":"base64"}]}
import { isUtf8 } from 'node:buffer';
import { errorMessage } from '../../common/errors.js';
import type { RecordCursor } from '../../records/record-cursor.js';
import type { RecordHeader } from '../../records/record.js';
import type { OutputBuffer } from '../output-buffer.js';

/** A malformed envelope line; the caller adds the line number. */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export interface ParsedEnvelope {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Undefined when the line has none: the producer stamps the current time. */
  timestamp: number | undefined;
  /** Undefined when the line has none: the partitioner decides. */
  partition: number | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = '0123456789abcdef';
// JSON's short escapes, as JSON.stringify writes them; other control bytes become \u00XX.
const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
  [QUOTE, '\\"'],
  [BACKSLASH, '\\\\'],
]);

let cachedTopic = '';
let cachedTopicField = Buffer.from('{"topic":""', 'utf8');

/**
 * Write the record under `cursor` as one envelope object, without a trailing newline.
 * Header keys are unique in a JSON object, so the values of headers sharing a key (Kafka allows
 * that) are written as one array, in order: `"h":["v1","v2"]`. Header keys that are not valid
 * UTF-8 are written as decoded text with U+FFFD, as RecordCursor.headers() reads them.
 */
export function formatJsonEnvelope(cursor: RecordCursor, topic: string, partition: number, out: OutputBuffer): void {
  if (topic !== cachedTopic) {
    cachedTopic = topic;
    cachedTopicField = Buffer.from(`{"topic":${JSON.stringify(topic)}`, 'utf8');
  }
  out.writeBytes(cachedTopicField, 0, cachedTopicField.length);
  out.writeAscii(',"partition":');
  out.writeDecimal(partition);
  out.writeAscii(',"offset":');
  out.writeDecimal(cursor.offset);
  out.writeAscii(',"timestamp":');
  out.writeDecimal(cursor.timestamp);
  out.writeAscii(',"key":');
  if (!writeBytesField(cursor.data, cursor.keyStart, cursor.keyLength, out)) out.writeAscii(',"keyEncoding":"base64"');
  out.writeAscii(',"value":');
  if (!writeBytesField(cursor.data, cursor.valueStart, cursor.valueLength, out)) out.writeAscii(',"valueEncoding":"base64"');
  out.writeAscii(',"headers":');
  if (cursor.headerCount === 0) out.writeAscii('{}}');
  else writeHeaders(cursor.headers(), out);
}

/** The headers of one key, in order; base64 when any of them is not UTF-8 (one encoding marks a key). */
export interface HeaderGroup {
  key: string;
  values: Array<Buffer | null>;
  base64: boolean;
}

/**
 * Headers grouped by key, keys in the order they first appear: a JSON object holds a key once, so
 * the values of headers sharing a key (Kafka allows that) travel as one array.
 */
export function groupHeaders(headers: readonly RecordHeader[]): HeaderGroup[] {
  const groups = new Map<string, HeaderGroup>();
  for (const { key, value } of headers) {
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { key, values: [], base64: false }));
    group.values.push(value);
    if (value !== null && !group.base64 && !isUtf8(value)) group.base64 = true;
  }
  return [...groups.values()];
}

function writeHeaders(headers: RecordHeader[], out: OutputBuffer): void {
  const groups = groupHeaders(headers);
  out.writeByte(0x7b);
  groups.forEach((group, i) => {
    if (i > 0) out.writeByte(0x2c);
    out.writeUtf8(JSON.stringify(group.key));
    out.writeByte(0x3a);
    if (group.values.length === 1) {
      writeHeaderValue(group.values[0]!, group.base64, out);
      return;
    }
    out.writeByte(0x5b);
    group.values.forEach((value, j) => {
      if (j > 0) out.writeByte(0x2c);
      writeHeaderValue(value, group.base64, out);
    });
    out.writeByte(0x5d);
  });
  out.writeByte(0x7d);
  const base64 = groups.filter((group) => group.base64);
  if (base64.length > 0) {
    out.writeAscii(',"headerEncodings":{');
    base64.forEach((group, i) => {
      if (i > 0) out.writeByte(0x2c);
      out.writeUtf8(JSON.stringify(group.key));
      out.writeAscii(':"base64"');
    });
    out.writeByte(0x7d);
  }
  out.writeByte(0x7d);
}

function writeHeaderValue(value: Buffer | null, base64: boolean, out: OutputBuffer): void {
  if (value === null) out.writeAscii('null');
  else if (base64) out.writeAscii(`"${value.toString('base64')}"`);
  else writeBytesField(value, 0, value.length, out);
}

/**
 * Write `length` bytes at `start` as a JSON string, `null` for length -1, or a base64 string
 * when the bytes are not valid UTF-8; false in that last case so the caller marks the encoding.
 */
function writeBytesField(data: Buffer, start: number, length: number, out: OutputBuffer): boolean {
  if (length < 0) {
    out.writeAscii('null');
    return true;
  }
  const end = start + length;
  // One pass decides the common case (plain ASCII: one copy) and whether UTF-8 must be checked.
  let needsEscape = false;
  let ascii = true;
  for (let i = start; i < end; i++) {
    const b = data[i]!;
    if (b < 0x20 || b === QUOTE || b === BACKSLASH) needsEscape = true;
    else if (b >= 0x80) ascii = false;
  }
  if (!ascii && !isUtf8(data.subarray(start, end))) {
    out.writeByte(QUOTE);
    out.writeAscii(data.toString('base64', start, end));
    out.writeByte(QUOTE);
    return false;
  }
  if (needsEscape) {
    writeJsonStringBytes(data, start, end, out);
  } else {
    out.writeByte(QUOTE);
    out.writeBytes(data, start, end);
    out.writeByte(QUOTE);
  }
  return true;
}

/** Valid UTF-8 bytes as a JSON string: copied as they are, except quote, backslash and controls. */
function writeJsonStringBytes(data: Buffer, start: number, end: number, out: OutputBuffer): void {
  out.writeByte(QUOTE);
  let runStart = start;
  for (let i = start; i < end; i++) {
    const b = data[i]!;
    if (b >= 0x20 && b !== QUOTE && b !== BACKSLASH) continue;
    out.writeBytes(data, runStart, i);
    const short = SHORT_ESCAPES.get(b);
    if (short !== undefined) out.writeAscii(short);
    else out.writeAscii(`\\u00${HEX[b >> 4]!}${HEX[b & 15]!}`);
    runStart = i + 1;
  }
  out.writeBytes(data, runStart, end);
  out.writeByte(QUOTE);
}

/**
 * Parse one envelope line as `produce --json` reads it. Honours key, value, headers, timestamp,
 * partition and their encodings; ignores topic, offset and unknown fields. A missing key or value
 * is null. Throws EnvelopeError saying what is wrong.
 * Headers come back in object order, which JSON.parse keeps except that integer-like keys ("0",
 * "42") come first in ascending order: a JavaScript object rule, and a known limit of the round trip.
 */
export function parseJsonEnvelope(line: string): ParsedEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new EnvelopeError(`invalid JSON: ${errorMessage(err)}`);
  }
  if (!isObject(parsed)) throw new EnvelopeError(`expected a JSON object, got ${describe(parsed)}`);
  return {
    key: readBytesField(parsed, 'key', 'keyEncoding'),
    value: readBytesField(parsed, 'value', 'valueEncoding'),
    headers: readHeaders(parsed),
    timestamp: readTimestamp(ownField(parsed, 'timestamp')),
    partition: readPartition(ownField(parsed, 'partition')),
  };
}

function readBytesField(envelope: Record<string, unknown>, name: string, encodingName: string): Buffer | null {
  const base64 = readEncoding(ownField(envelope, encodingName), `"${encodingName}"`);
  const text = ownField(envelope, name);
  if (text === undefined || text === null) return null;
  if (typeof text !== 'string') throw new EnvelopeError(`"${name}" must be a string or null, got ${describe(text)}`);
  return decodeText(text, base64, `"${name}"`);
}

function readHeaders(envelope: Record<string, unknown>): RecordHeader[] {
  const headers = ownField(envelope, 'headers');
  const encodings = ownField(envelope, 'headerEncodings');
  if (headers === undefined || headers === null) {
    if (encodings !== undefined && encodings !== null) throw new EnvelopeError('"headerEncodings" given without "headers"');
    return [];
  }
  if (!isObject(headers)) throw new EnvelopeError(`"headers" must be an object, got ${describe(headers)}`);
  if (encodings !== undefined && encodings !== null) {
    if (!isObject(encodings)) throw new EnvelopeError(`"headerEncodings" must be an object, got ${describe(encodings)}`);
    for (const key of Object.keys(encodings)) {
      if (!Object.hasOwn(headers, key)) throw new EnvelopeError(`"headerEncodings" names header ${JSON.stringify(key)}, which is not in "headers"`);
    }
  }
  return Object.entries(headers).flatMap(([key, value]) => {
    const what = `header ${JSON.stringify(key)}`;
    const base64 = readEncoding(encodings === undefined || encodings === null ? undefined : ownField(encodings as Record<string, unknown>, key), `"headerEncodings" of ${what}`);
    // An array: the values of headers sharing this key, in order.
    return (Array.isArray(value) ? (value as unknown[]) : [value]).map((one) => {
      if (one === null) return { key, value: null };
      if (typeof one !== 'string') throw new EnvelopeError(`${what} must be a string, null or an array of them, got ${describe(one)}`);
      return { key, value: decodeText(one, base64, what) };
    });
  });
}

/** True for base64, false for UTF-8 (the default). */
function readEncoding(encoding: unknown, what: string): boolean {
  if (encoding === undefined || encoding === null || encoding === 'utf8') return false;
  if (encoding === 'base64') return true;
  throw new EnvelopeError(`${what} must be "base64" or "utf8", got ${describe(encoding)}`);
}

function decodeText(text: string, base64: boolean, what: string): Buffer {
  if (!base64) return Buffer.from(text, 'utf8');
  if (!isBase64(text)) throw new EnvelopeError(`${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

// Standard alphabet; padding optional but, when present, complete. Buffer.from(…, 'base64')
// silently skips anything else, which would turn a typo into different bytes.
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

function isBase64(text: string): boolean {
  if (!BASE64_PATTERN.test(text)) return false;
  return text.endsWith('=') ? text.length % 4 === 0 : text.length % 4 !== 1;
}

function readTimestamp(timestamp: unknown): number | undefined {
  if (timestamp === undefined || timestamp === null) return undefined;
  if (typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0) return timestamp;
  throw new EnvelopeError(`"timestamp" must be a non-negative safe integer (epoch milliseconds), got ${describe(timestamp)}`);
}

function readPartition(partition: unknown): number | undefined {
  if (partition === undefined || partition === null) return undefined;
  if (typeof partition === 'number' && Number.isInteger(partition) && partition >= 0 && partition <= 0x7fffffff) return partition;
  throw new EnvelopeError(`"partition" must be a non-negative integer, got ${describe(partition)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Own properties only: a header named "toString" must not find Object.prototype.toString.
function ownField(object: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
