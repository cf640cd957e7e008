// Offset positions for `consume --from/-o` and `--until` (SPEC §3 consume): beginning, end,
// stored, an absolute offset N, -N before the end of each partition, or @TIME. TIME is ISO-8601,
// epoch milliseconds, or a duration meaning that long ago. `now` is passed in so that a duration
// is resolved once, against one clock reading, for every partition and in tests.
import { UsageError } from './errors.js';

export type OffsetSpec =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'stored' }
  | { kind: 'absolute'; offset: number }
  | { kind: 'fromEnd'; count: number }
  | { kind: 'timestamp'; timestampMs: number };

const TIME_FORMS = '@TIME (ISO-8601, epoch ms, or a duration like 10m)';
const DIGITS = /^[0-9]+$/;
const FROM_END = /^-[0-9]+$/;

/** Parse a `--from` (or `-o`) value; `flag` names it in the error. */
export function parseOffsetSpec(text: string, now: number, flag = '--from'): OffsetSpec {
  switch (text) {
    case 'beginning':
    case 'end':
    case 'stored':
      return { kind: text };
  }
  const invalid = (): UsageError => new UsageError(`invalid ${flag} value "${text}": use beginning, end, stored, N, -N or ${TIME_FORMS}`);
  if (DIGITS.test(text)) return { kind: 'absolute', offset: safeInteger(text, invalid) };
  if (FROM_END.test(text)) return { kind: 'fromEnd', count: safeInteger(text.slice(1), invalid) };
  if (text.startsWith('@')) return { kind: 'timestamp', timestampMs: parseTimeMs(text.slice(1), now) ?? throwError(invalid()) };
  throw invalid();
}

/** Parse an `--until` value (or trim's `--before`): only `N` and `@TIME` make sense there. */
export function parseUntilSpec(text: string, now: number, flag = '--until'): OffsetSpec {
  const invalid = (): UsageError => new UsageError(`invalid ${flag} value "${text}": use N or ${TIME_FORMS}`);
  if (DIGITS.test(text)) return { kind: 'absolute', offset: safeInteger(text, invalid) };
  if (text.startsWith('@')) return { kind: 'timestamp', timestampMs: parseTimeMs(text.slice(1), now) ?? throwError(invalid()) };
  throw invalid();
}

/**
 * TIME of an `@TIME` value (without the '@') as epoch milliseconds, or undefined when it is none
 * of the accepted forms. All digits: epoch ms. A duration: `now` minus it. Otherwise ISO-8601:
 * `2026-11-24`, `2026-11-24T22:00`, `2026-11-24T22:00:00.123Z`, `…+01:00` (a space may stand for
 * the T). As with Date.parse, a date alone is UTC midnight and a date-time without a zone is local
 * time. Times before 1970 come out as 0: Kafka timestamps are not negative, and the first offset
 * at or after such a time is the first offset.
 */
export function parseTimeMs(time: string, now: number): number | undefined {
  let ms: number | undefined;
  if (DIGITS.test(time)) ms = Number(time);
  else if (DURATION.test(time)) ms = now - durationMs(time);
  else ms = parseIsoMs(time);
  if (ms === undefined || !Number.isSafeInteger(ms)) return undefined;
  return Math.max(0, ms);
}

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['ms', 1],
  ['s', 1000],
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
  ['w', 604_800_000],
]);
// `ms` before `m` so that "500ms" is 500 milliseconds, not 500 minutes and a stray "s".
const DURATION = /^(?:[0-9]+(?:ms|s|m|h|d|w))+$/;
const DURATION_PART = /([0-9]+)(ms|s|m|h|d|w)/g;

/** A duration such as `90s`, `10m`, `2h`, `7d`, `500ms` or `1h30m`, in milliseconds. */
export function parseDurationMs(text: string, flag?: string): number {
  const total = durationMs(text);
  if (!Number.isSafeInteger(total)) {
    const what = flag === undefined ? 'duration' : `${flag} value`;
    throw new UsageError(`invalid ${what} "${text}": use a number and a unit (ms, s, m, h, d, w), e.g. 90s, 10m, 1h30m or 7d`);
  }
  return total;
}

/** NaN when `text` is not a duration or is too long to count in safe integer milliseconds. */
function durationMs(text: string): number {
  if (!DURATION.test(text)) return Number.NaN;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) total += Number(amount) * UNIT_MS.get(unit!)!;
  return total;
}

// Date.parse alone is too forgiving ("Tue 3", "2026-02-30" → 2 March), so the shape is checked
// here and the calendar date validated before Date.parse does the time-zone arithmetic.
const ISO = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?$/;

function parseIsoMs(text: string): number | undefined {
  const match = ISO.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  if (match[3] !== undefined) {
    const day = Number(match[3]);
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day < 1 || day > daysInMonth) return undefined;
  }
  // Date.parse wants "+01:00" and refuses a bare "+01".
  const zone = match[4];
  const normalized = zone !== undefined && zone.length === 3 ? `${text}:00` : text;
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}

function safeInteger(digits: string, invalid: () => UsageError): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw invalid();
  return value;
}

function throwError(error: Error): never {
  throw error;
}
