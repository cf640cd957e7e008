// Record filters for `consume --grep/--grep-key/--grep-header`: compiled once into one predicate
// over a RecordCursor, or null when no filter was asked for so the hot path skips the call.
// Patterns are JavaScript regular expressions without flags, matched anywhere in the text (like
// grep); key, value and header values are read as UTF-8. All given filters must match.
import { UsageError, errorMessage } from '../../common/errors.js';
import type { RecordCursor } from '../../records/record-cursor.js';

export interface FilterOptions {
  grep?: string;
  grepKey?: string;
  /** Each `K=REGEX`: some header named K has a value matching REGEX. */
  grepHeader?: string[];
}

export type RecordFilter = (cursor: RecordCursor) => boolean;

export function compileRecordFilter(options: FilterOptions): RecordFilter | null {
  const filters: RecordFilter[] = [];
  if (options.grep !== undefined) {
    const pattern = compilePattern(options.grep, '--grep');
    // A null value has no text to match, so it never matches (not even an empty pattern).
    filters.push((c) => c.valueLength >= 0 && pattern.test(c.data.toString('utf8', c.valueStart, c.valueStart + c.valueLength)));
  }
  if (options.grepKey !== undefined) {
    const pattern = compilePattern(options.grepKey, '--grep-key');
    filters.push((c) => c.keyLength >= 0 && pattern.test(c.data.toString('utf8', c.keyStart, c.keyStart + c.keyLength)));
  }
  for (const spec of options.grepHeader ?? []) filters.push(compileHeaderFilter(spec));
  if (filters.length === 0) return null;
  if (filters.length === 1) return filters[0]!;
  return (cursor) => {
    for (let i = 0; i < filters.length; i++) if (!filters[i]!(cursor)) return false;
    return true;
  };
}

function compileHeaderFilter(spec: string): RecordFilter {
  const equals = spec.indexOf('=');
  if (equals <= 0) throw new UsageError(`invalid --grep-header value "${spec}": expected K=REGEX, a header name, '=' and a pattern`);
  const name = spec.slice(0, equals);
  const pattern = compilePattern(spec.slice(equals + 1), '--grep-header');
  return (cursor) => {
    if (cursor.headerCount === 0) return false;
    for (const header of cursor.headers()) {
      if (header.key === name && header.value !== null && pattern.test(header.value.toString('utf8'))) return true;
    }
    return false;
  };
}

function compilePattern(source: string, flag: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    // V8 says "Invalid regular expression: /(/: Unterminated group"; keep the useful part.
    const reason = errorMessage(err).replace(/^Invalid regular expression: /, '');
    throw new UsageError(`invalid ${flag} regular expression: ${reason}`);
  }
}
