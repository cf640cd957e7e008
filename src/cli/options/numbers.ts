// Integer flag values (`--count 10`, `--partition 3`, `--shift-by -5`). Only plain decimal digits
// with an optional leading '-' are numbers here: Number() would also take " 5", "1e3", "0x10" and
// "5.0", which in a flag are more likely typos than intent. Anything else is a UsageError (exit 2).
import { UsageError } from '../../common/errors.js';

const DIGITS = /^[0-9]+$/;
const SIGNED_DIGITS = /^-?[0-9]+$/;

/** 0, 1, 2, … up to Number.MAX_SAFE_INTEGER. */
export function parseNonNegativeInt(text: string, flag: string): number {
  return parseChecked(text, flag, DIGITS, 0, 'a non-negative integer');
}

/** 1, 2, 3, … up to Number.MAX_SAFE_INTEGER. */
export function parsePositiveInt(text: string, flag: string): number {
  return parseChecked(text, flag, DIGITS, 1, 'a positive integer');
}

/** Any safe integer, negative ones included. */
export function parseInteger(text: string, flag: string): number {
  return parseChecked(text, flag, SIGNED_DIGITS, Number.MIN_SAFE_INTEGER, 'an integer');
}

function parseChecked(text: string, flag: string, pattern: RegExp, min: number, expected: string): number {
  // `+ 0` turns "-0" into 0, so no caller ever sees a negative zero.
  const value = pattern.test(text) ? Number(text) + 0 : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`invalid ${flag} value "${text}": expected ${expected}`);
  }
  return value;
}
