// Capturing TailRecords (ui/tail-record.ts) out of a record cursor. The cursor's batch is reused,
// so the fields are copied out: key and value as text, the value only up to VALUE_PREVIEW_BYTES
// (a row shows one terminal line of it), or the -f format's output.
import { isUtf8 } from 'node:buffer';
import type { RecordCursor } from '../../records/record-cursor.js';
import type { RecordFormatter } from '../format/record-format.js';
import { OutputBuffer } from '../output-buffer.js';
import type { TailRecord } from '../../ui/tail-record.js';

export const VALUE_PREVIEW_BYTES = 4096;
const KEY_PREVIEW_BYTES = 512;
const HEX_PREVIEW_BYTES = 64;

/** Copies records out of a cursor; one instance per stream of records (it owns a scratch buffer). */
export class TailRecordCapture {
  readonly #format: RecordFormatter | null;
  readonly #out = new OutputBuffer(1 << 12);

  /** `format`: the -f formatter when one was given, so rows show what it prints. */
  constructor(format: RecordFormatter | null) {
    this.#format = format;
  }

  capture(cursor: RecordCursor, topic: string, partition: number): TailRecord {
    let formatted: string | null = null;
    if (this.#format !== null) {
      this.#format(cursor, topic, partition, this.#out);
      const bytes = this.#out.take();
      const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0a ? bytes.length - 1 : bytes.length;
      formatted = bytes.toString('utf8', 0, end);
    }
    const value = previewValue(cursor);
    return {
      topic,
      partition,
      offset: cursor.offset,
      timestamp: cursor.timestamp,
      key: cursor.keyLength < 0 ? null : utf8Prefix(cursor.data, cursor.keyStart, cursor.keyLength, KEY_PREVIEW_BYTES),
      value: value.text,
      valueBytes: Math.max(0, cursor.valueLength),
      binary: value.binary,
      formatted,
    };
  }
}

function previewValue(cursor: RecordCursor): { text: string | null; binary: boolean } {
  if (cursor.valueLength < 0) return { text: null, binary: false };
  const { data, valueStart, valueLength } = cursor;
  let end = valueStart + Math.min(valueLength, VALUE_PREVIEW_BYTES);
  if (valueLength > VALUE_PREVIEW_BYTES) end = charBoundary(data, valueStart, end);
  if (!isUtf8(data.subarray(valueStart, end))) {
    return { text: data.toString('hex', valueStart, valueStart + Math.min(valueLength, HEX_PREVIEW_BYTES)), binary: true };
  }
  return { text: data.toString('utf8', valueStart, end), binary: false };
}

function utf8Prefix(data: Buffer, start: number, length: number, max: number): string {
  const end = length > max ? charBoundary(data, start, start + max) : start + length;
  return data.toString('utf8', start, end);
}

/** Move `end` back to the start of a UTF-8 sequence, so a cut never splits a character. */
function charBoundary(data: Buffer, start: number, end: number): number {
  let at = end;
  for (let back = 0; back < 3 && at > start && (data[at]! & 0xc0) === 0x80; back++) at--;
  return at;
}
