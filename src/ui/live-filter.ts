// The filter typed after `/` in the tail view: a JavaScript regular expression matched against
// the key and the value (or the -f output), case-insensitive unless it has a capital letter
// (smart case, as in less and ripgrep). Text that is not a valid expression matches literally.
import type { TailRecord } from './tail-record.js';

export interface LiveFilter {
  source: string;
  test(record: TailRecord): boolean;
}

/** null for empty text (no filter). */
export function compileLiveFilter(text: string): LiveFilter | null {
  if (text === '') return null;
  const flags = /[A-Z]/.test(text) ? '' : 'i';
  let pattern: RegExp;
  try {
    pattern = new RegExp(text, flags);
  } catch {
    pattern = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
  }
  return {
    source: text,
    test: (r) =>
      r.formatted !== null
        ? pattern.test(r.formatted)
        : (r.key !== null && pattern.test(r.key)) || (r.value !== null && !r.binary && pattern.test(r.value)),
  };
}
