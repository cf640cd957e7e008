// Record formats for `consume -f` and `tail -f`: `value` (the default), `json` (the SPEC §4
// envelope) or a kcat template. A format is compiled once into a RecordFormatter that writes the
// record under a RecordCursor straight into an OutputBuffer: raw key and value bytes are copied,
// never decoded, and the default `value` format allocates nothing per record.
import { UsageError } from '../../common/errors.js';
import type { RecordCursor } from '../../records/record-cursor.js';
import type { OutputBuffer } from '../output-buffer.js';
import { formatJsonEnvelope } from './json-envelope.js';

export type RecordFormatter = (cursor: RecordCursor, topic: string, partition: number, out: OutputBuffer) => void;

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const NULL_HEADER_VALUE = Buffer.from('NULL', 'latin1');
const NO_BYTES = Buffer.alloc(0);

// Template part kinds; a switch on small integers keeps the per-record loop monomorphic.
const LITERAL = 0;
const TOPIC = 1;
const PARTITION = 2;
const OFFSET = 3;
const KEY = 4;
const VALUE = 5;
const TIMESTAMP = 6;
const HEADERS = 7;
const KEY_LENGTH = 8;
const VALUE_LENGTH = 9;
const DATE = 10;

const TOKENS: ReadonlyMap<string, number> = new Map([
  ['t', TOPIC],
  ['p', PARTITION],
  ['o', OFFSET],
  ['k', KEY],
  ['s', VALUE],
  ['T', TIMESTAMP],
  ['h', HEADERS],
  ['K', KEY_LENGTH],
  ['S', VALUE_LENGTH],
  ['d', DATE],
]);

// kcat's escapes. As in kcat, a backslash before any other character stands for that character
// (`\\` is a backslash, `\"` a quote), and a backslash at the very end is kept as it is.
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
]);

const TOKEN_LIST = '%t %p %o %k %s %T %h %K %S %d';

interface TemplatePart {
  kind: number;
  /** The text of a LITERAL part, UTF-8 encoded once. */
  bytes: Buffer;
}

/**
 * Compile `value`, `json` or a kcat template (SPEC §3 consume -f). Templates get no automatic
 * newline, as in kcat: write `\n` where one is wanted. Throws UsageError for an unknown token.
 */
export function compileRecordFormat(format: string): RecordFormatter {
  if (format === 'value') return formatValue;
  if (format === 'json') return formatJsonLine;
  if (format === '') throw new UsageError('invalid --format "": use value, json or a template such as "%k %s\\n"');
  return formatTemplate(parseTemplate(format));
}

function formatValue(cursor: RecordCursor, _topic: string, _partition: number, out: OutputBuffer): void {
  if (cursor.valueLength > 0) out.writeBytes(cursor.data, cursor.valueStart, cursor.valueStart + cursor.valueLength);
  out.writeByte(NEWLINE);
}

function formatJsonLine(cursor: RecordCursor, topic: string, partition: number, out: OutputBuffer): void {
  formatJsonEnvelope(cursor, topic, partition, out);
  out.writeByte(NEWLINE);
}

function parseTemplate(format: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  const flushLiteral = (): void => {
    if (literal !== '') parts.push({ kind: LITERAL, bytes: Buffer.from(literal, 'utf8') });
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch === '\\' && i + 1 < format.length) {
      const escaped = format[++i]!;
      literal += ESCAPES.get(escaped) ?? escaped;
    } else if (ch !== '%') {
      literal += ch;
    } else if (i + 1 === format.length) {
      throw new UsageError(`invalid --format "${format}": it ends with a lone %; write %% for a literal %`);
    } else {
      const token = format[++i]!;
      const kind = TOKENS.get(token);
      if (token === '%') {
        literal += '%';
      } else if (kind === undefined) {
        throw new UsageError(`invalid --format "${format}": unknown token %${token}; use ${TOKEN_LIST}, or %% for a literal %`);
      } else {
        flushLiteral();
        parts.push({ kind, bytes: NO_BYTES });
      }
    }
  }
  flushLiteral();
  return parts;
}

function formatTemplate(parts: readonly TemplatePart[]): RecordFormatter {
  let topicName = '';
  let topicBytes = NO_BYTES;
  const writeIsoTimestamp = isoTimestampWriter();
  return (cursor, topic, partition, out) => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      switch (part.kind) {
        case LITERAL:
          out.writeBytes(part.bytes, 0, part.bytes.length);
          break;
        case TOPIC:
          if (topic !== topicName) {
            topicName = topic;
            topicBytes = Buffer.from(topic, 'utf8');
          }
          out.writeBytes(topicBytes, 0, topicBytes.length);
          break;
        case PARTITION:
          out.writeDecimal(partition);
          break;
        case OFFSET:
          out.writeDecimal(cursor.offset);
          break;
        case KEY:
          if (cursor.keyLength > 0) out.writeBytes(cursor.data, cursor.keyStart, cursor.keyStart + cursor.keyLength);
          break;
        case VALUE:
          if (cursor.valueLength > 0) out.writeBytes(cursor.data, cursor.valueStart, cursor.valueStart + cursor.valueLength);
          break;
        case TIMESTAMP:
          out.writeDecimal(cursor.timestamp);
          break;
        case HEADERS:
          writeHeaders(cursor, out);
          break;
        case KEY_LENGTH:
          out.writeDecimal(cursor.keyLength);
          break;
        case VALUE_LENGTH:
          out.writeDecimal(cursor.valueLength);
          break;
        case DATE:
          writeIsoTimestamp(cursor.timestamp, out);
          break;
      }
    }
  };
}

/**
 * %h as kcat prints it: `k=v` pairs joined by commas, raw bytes, nothing for a record without
 * headers, and `k=NULL` for a null header value (kcat's print_headers does exactly this).
 * Walks the header bytes in place rather than through cursor.headers(), which allocates.
 */
function writeHeaders(cursor: RecordCursor, out: OutputBuffer): void {
  const data = cursor.data;
  let pos = cursor.headersStart;
  for (let i = 0; i < cursor.headerCount; i++) {
    if (i > 0) out.writeByte(COMMA);
    const keyLength = readVarint(data, pos);
    pos = varintEnd;
    out.writeBytes(data, pos, pos + keyLength);
    pos += keyLength;
    out.writeByte(EQUALS);
    const valueLength = readVarint(data, pos);
    pos = varintEnd;
    if (valueLength < 0) {
      out.writeBytes(NULL_HEADER_VALUE, 0, NULL_HEADER_VALUE.length);
    } else {
      out.writeBytes(data, pos, pos + valueLength);
      pos += valueLength;
    }
  }
}

// Position after the varint readVarint last read: a second return value without an allocation.
let varintEnd = 0;

/** A zigzag varint (int32) at `pos`; the batch was CRC-checked, so no bounds checks here. */
function readVarint(data: Buffer, pos: number): number {
  let byte = data[pos++]!;
  let z = byte & 0x7f;
  for (let shift = 7; byte & 0x80 && shift <= 28; shift += 7) {
    byte = data[pos++]!;
    z |= (byte & 0x7f) << shift;
  }
  varintEnd = pos;
  return (z >>> 1) ^ -(z & 1);
}

const DAY_MS = 86_400_000;
/** Beyond year 9999 toISOString() writes six-digit years; those take the slow path. */
const YEAR_10000_MS = 253_402_300_800_000;
const MAX_DATE_MS = 8.64e15;

/**
 * %d: the timestamp as ISO-8601 UTC with milliseconds, exactly as Date#toISOString writes it.
 * A Date per record is the expensive part, so the 24 bytes `YYYY-MM-DDTHH:MM:SS.mmmZ` live in a
 * scratch buffer: the date is redone when the day changes, the time when the second changes, and
 * only the milliseconds for each record (records of one fetch are usually close in time).
 */
function isoTimestampWriter(): (timestampMs: number, out: OutputBuffer) => void {
  const iso = Buffer.from('0000-00-00T00:00:00.000Z', 'latin1');
  let dayStartMs = -1;
  let secondStartMs = -1;
  return (timestampMs, out) => {
    if (timestampMs < 0 || timestampMs >= YEAR_10000_MS) {
      if (Math.abs(timestampMs) <= MAX_DATE_MS) out.writeAscii(new Date(timestampMs).toISOString());
      else out.writeDecimal(timestampMs);
      return;
    }
    const ms = timestampMs % 1000;
    if (timestampMs - ms !== secondStartMs) {
      secondStartMs = timestampMs - ms;
      const msOfDay = timestampMs % DAY_MS;
      if (timestampMs - msOfDay !== dayStartMs) {
        dayStartMs = timestampMs - msOfDay;
        iso.write(new Date(dayStartMs).toISOString().slice(0, 10), 0, 'latin1');
      }
      const seconds = (msOfDay / 1000) | 0;
      writeTwoDigits(iso, 11, (seconds / 3600) | 0);
      writeTwoDigits(iso, 14, ((seconds / 60) | 0) % 60);
      writeTwoDigits(iso, 17, seconds % 60);
    }
    iso[20] = 0x30 + ((ms / 100) | 0);
    writeTwoDigits(iso, 21, ms % 100);
    out.writeBytes(iso, 0, iso.length);
  };
}

function writeTwoDigits(buf: Buffer, pos: number, n: number): void {
  buf[pos] = 0x30 + ((n / 10) | 0);
  buf[pos + 1] = 0x30 + (n % 10);
}
