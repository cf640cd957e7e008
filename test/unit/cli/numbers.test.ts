// Integer flag parsing: plain decimal digits only, safe integers only, one clear message otherwise.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseInteger, parseNonNegativeInt, parsePositiveInt } from '../../../src/cli/options/numbers.js';
import { UsageError } from '../../../src/common/errors.js';

const GARBAGE = ['', ' 5', '5 ', '1e3', '0x10', '5.0', '5.', '+5', 'abc', '1_000', '١', 'Infinity', 'NaN', '9007199254740992', '99999999999999999999'];

describe('cli > options > numbers', () => {
  test('parseNonNegativeInt accepts zero and positive integers', () => {
    assert.equal(parseNonNegativeInt('0', '--partition'), 0);
    assert.equal(parseNonNegativeInt('007', '--partition'), 7);
    assert.equal(parseNonNegativeInt('9007199254740991', '--partition'), Number.MAX_SAFE_INTEGER);
  });

  test('parsePositiveInt rejects zero', () => {
    assert.equal(parsePositiveInt('1', '--count'), 1);
    assert.throws(() => parsePositiveInt('0', '--count'), { message: 'invalid --count value "0": expected a positive integer' });
  });

  test('parseInteger accepts negative integers and turns -0 into 0', () => {
    assert.equal(parseInteger('-5', '--shift-by'), -5);
    assert.equal(parseInteger('12', '--shift-by'), 12);
    assert.ok(Object.is(parseInteger('-0', '--shift-by'), 0));
    assert.equal(parseInteger('-9007199254740991', '--shift-by'), -Number.MAX_SAFE_INTEGER);
  });

  test('all three reject negatives where not allowed, and garbage everywhere', () => {
    assert.throws(() => parseNonNegativeInt('-1', '--partition'), { message: 'invalid --partition value "-1": expected a non-negative integer' });
    assert.throws(() => parsePositiveInt('-1', '--count'), UsageError);
    for (const text of [...GARBAGE, '-', '--1', '-1.5']) {
      assert.throws(() => parseNonNegativeInt(text, '--n'), UsageError, text);
      assert.throws(() => parsePositiveInt(text, '--n'), UsageError, text);
      assert.throws(() => parseInteger(text, '--n'), { name: 'UsageError', message: `invalid --n value "${text}": expected an integer` });
    }
  });
});
