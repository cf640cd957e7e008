// compileRecordFilter: --grep on values, --grep-key on keys, --grep-header K=REGEX, their
// conjunction, null fields never matching, and usage errors for bad patterns.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compileRecordFilter, type FilterOptions } from '../../../src/cli/format/record-filter.js';
import { UsageError } from '../../../src/common/errors.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { RecordCursor } from '../../../src/records/record-cursor.js';
import type { ProducerRecord } from '../../../src/records/record.js';

interface Fields {
  key?: string | null;
  value?: string | null;
  headers?: Array<[string, string | null]>;
}

const RECORDS: Record<string, Fields> = {
  error: { key: 'user-1', value: 'ERROR disk full', headers: [['level', 'error'], ['host', 'a']] },
  info: { key: 'user-2', value: 'INFO started', headers: [['level', 'info'], ['level', 'debug']] },
  tombstone: { key: 'user-1', value: null, headers: [['level', null]] },
  unkeyed: { key: null, value: 'ERROR no key' },
  unicode: { key: 'ключ', value: 'naïve café' },
};

function toRecord(fields: Fields): ProducerRecord {
  const bytes = (s: string | null | undefined): Buffer | null => (s === null || s === undefined ? null : Buffer.from(s));
  return {
    key: bytes(fields.key),
    value: bytes(fields.value),
    headers: (fields.headers ?? []).map(([key, value]) => ({ key, value: bytes(value) })),
    timestamp: 0,
  };
}

/** Names of the RECORDS the filter keeps, in order. */
function kept(options: FilterOptions): string[] {
  const filter = compileRecordFilter(options);
  assert.ok(filter !== null);
  const names = Object.keys(RECORDS);
  const batch = encodeRecordBatch(names.map((name) => toRecord(RECORDS[name]!)));
  const cursor = new RecordCursor();
  cursor.open(batch, 0, batch.length);
  const result: string[] = [];
  for (let i = 0; cursor.next(); i++) if (filter(cursor)) result.push(names[i]!);
  return result;
}

describe('cli > format > compileRecordFilter', () => {
  test('returns null when no filter is given', () => {
    assert.equal(compileRecordFilter({}), null);
    assert.equal(compileRecordFilter({ grepHeader: [] }), null);
  });

  test('--grep matches the value anywhere, and never a null value', () => {
    assert.deepEqual(kept({ grep: 'ERROR' }), ['error', 'unkeyed']);
    assert.deepEqual(kept({ grep: '' }), ['error', 'info', 'unkeyed', 'unicode']);
    assert.deepEqual(kept({ grep: '^INFO s' }), ['info']);
  });

  test('--grep reads the value as UTF-8 text', () => {
    assert.deepEqual(kept({ grep: 'ï.e c.f' }), ['unicode']);
  });

  test('--grep-key matches the key, and never a null key', () => {
    assert.deepEqual(kept({ grepKey: '-1$' }), ['error', 'tombstone']);
    assert.deepEqual(kept({ grepKey: '' }), ['error', 'info', 'tombstone', 'unicode']);
    assert.deepEqual(kept({ grepKey: '^клю' }), ['unicode']);
  });

  test('--grep-header matches when any header with that name has a matching value', () => {
    assert.deepEqual(kept({ grepHeader: ['level=^error$'] }), ['error']);
    assert.deepEqual(kept({ grepHeader: ['level=debug'] }), ['info']);
    assert.deepEqual(kept({ grepHeader: ['level='] }), ['error', 'info']);
    assert.deepEqual(kept({ grepHeader: ['missing=.*'] }), []);
  });

  test('--grep-header splits at the first = so the pattern may contain =', () => {
    const filter = compileRecordFilter({ grepHeader: ['q=a=b'] });
    const batch = encodeRecordBatch([toRecord({ headers: [['q', 'xa=by']] }), toRecord({ headers: [['q=a', 'b']] })]);
    const cursor = new RecordCursor();
    cursor.open(batch, 0, batch.length);
    cursor.next();
    assert.equal(filter!(cursor), true);
    cursor.next();
    assert.equal(filter!(cursor), false);
  });

  test('all given filters must match', () => {
    assert.deepEqual(kept({ grep: 'ERROR', grepKey: 'user' }), ['error']);
    assert.deepEqual(kept({ grep: 'ERROR', grepHeader: ['host=a', 'level=err'] }), ['error']);
    assert.deepEqual(kept({ grep: 'ERROR', grepHeader: ['host=b'] }), []);
  });

  test('rejects an invalid regular expression, naming the flag', () => {
    assert.throws(() => compileRecordFilter({ grep: '(' }), (err: unknown) => err instanceof UsageError && /^invalid --grep regular expression: .*\(/.test(err.message));
    assert.throws(() => compileRecordFilter({ grepKey: '[' }), (err: unknown) => err instanceof UsageError && /^invalid --grep-key regular expression/.test(err.message));
    assert.throws(() => compileRecordFilter({ grepHeader: ['h=*'] }), (err: unknown) => err instanceof UsageError && /^invalid --grep-header regular expression/.test(err.message));
  });

  test('rejects a --grep-header without a name and =', () => {
    for (const spec of ['level', '=error', '']) {
      assert.throws(() => compileRecordFilter({ grepHeader: [spec] }), (err: unknown) => err instanceof UsageError && err.message.includes('expected K=REGEX'));
    }
  });
});
