// TailRecord: what the live view of `spool tail` keeps of one record until it is drawn (captured
// by cli/tail/tail-record.ts, drawn by tail-row.ts).
export interface TailRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** UTF-8 text; null for a null key. */
  key: string | null;
  /** UTF-8 text of the first VALUE_PREVIEW_BYTES bytes; null for a null value. */
  value: string | null;
  valueBytes: number;
  /** The value is not UTF-8: `value` then holds its first bytes in hex. */
  binary: boolean;
  /** The record as `-f FORMAT` prints it (without a final newline), when a format was given. */
  formatted: string | null;
}
