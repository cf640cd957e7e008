// Offset specs for --from/-o and --until, and durations: every accepted form, time zones, and the
// usage error (naming the flag and the value) for everything else.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationMs, parseOffsetSpec, parseTimeMs, parseUntilSpec } from '../../../src/common/offset-spec.js';
import { UsageError } from '../../../src/common/errors.js';

const NOW = Date.UTC(2026, 10, 24, 22, 0, 0);

describe('cli > options > parseOffsetSpec', () => {
  test('accepts the named positions', () => {
    assert.deepEqual(parseOffsetSpec('beginning', NOW), { kind: 'beginning' });
    assert.deepEqual(parseOffsetSpec('end', NOW), { kind: 'end' });
    assert.deepEqual(parseOffsetSpec('stored', NOW), { kind: 'stored' });
  });

  test('accepts N as an absolute offset and -N as N before the end', () => {
    assert.deepEqual(parseOffsetSpec('0', NOW), { kind: 'absolute', offset: 0 });
    assert.deepEqual(parseOffsetSpec('42', NOW), { kind: 'absolute', offset: 42 });
    assert.deepEqual(parseOffsetSpec('-10', NOW), { kind: 'fromEnd', count: 10 });
    assert.deepEqual(parseOffsetSpec('-0', NOW), { kind: 'fromEnd', count: 0 });
  });

  test('accepts @ epoch milliseconds', () => {
    assert.deepEqual(parseOffsetSpec('@1764000000000', NOW), { kind: 'timestamp', timestampMs: 1764000000000 });
    assert.deepEqual(parseOffsetSpec('@0', NOW), { kind: 'timestamp', timestampMs: 0 });
  });

  test('accepts @ a duration meaning that long ago', () => {
    assert.deepEqual(parseOffsetSpec('@10m', NOW), { kind: 'timestamp', timestampMs: NOW - 600_000 });
    assert.deepEqual(parseOffsetSpec('@1h30m', NOW), { kind: 'timestamp', timestampMs: NOW - 5_400_000 });
  });

  test('accepts @ ISO-8601 dates and date-times with a zone', () => {
    const at = (text: string): number => {
      const spec = parseOffsetSpec(`@${text}`, NOW);
      assert.equal(spec.kind, 'timestamp');
      return spec.kind === 'timestamp' ? spec.timestampMs : Number.NaN;
    };
    assert.equal(at('2026-11-24'), Date.UTC(2026, 10, 24));
    assert.equal(at('2026-11'), Date.UTC(2026, 10, 1));
    assert.equal(at('2026-11-24T22:00:00Z'), NOW);
    assert.equal(at('2026-11-24T22:00Z'), NOW);
    assert.equal(at('2026-11-24T22:00:00.123Z'), NOW + 123);
    assert.equal(at('2026-11-24T23:00:00+01:00'), NOW);
    assert.equal(at('2026-11-24T23:00:00+0100'), NOW);
    assert.equal(at('2026-11-24T23:00:00+01'), NOW);
    assert.equal(at('2026-11-24 17:00:00-05:00'), NOW);
    assert.equal(at('2024-02-29'), Date.UTC(2024, 1, 29));
  });

  test('reads a date-time without a zone as local time, as Date.parse does', () => {
    const spec = parseOffsetSpec('@2026-11-24T22:00:00', NOW);
    assert.deepEqual(spec, { kind: 'timestamp', timestampMs: new Date(2026, 10, 24, 22, 0, 0).getTime() });
  });

  test('clamps times before 1970 to 0', () => {
    assert.deepEqual(parseOffsetSpec('@1900-01-01', NOW), { kind: 'timestamp', timestampMs: 0 });
    assert.deepEqual(parseOffsetSpec('@100000d', NOW), { kind: 'timestamp', timestampMs: 0 });
  });

  const invalid = ['', 'abc', 'Beginning', 'latest', '1.5', '1e3', '0x10', ' 5', '-', '--5', '+5', '@', '@abc', '@10x', '@1.5h', '@2026-13-01', '@2026-02-30', '@2026-11-24T25:00:00Z', '@Tue Nov 24 2026', '@2026/11/24', '99999999999999999999', '-99999999999999999999'];
  for (const text of invalid) {
    test(`rejects ${JSON.stringify(text)}, naming the flag, the value and the accepted forms`, () => {
      assert.throws(() => parseOffsetSpec(text, NOW), {
        name: 'UsageError',
        message: `invalid --from value "${text}": use beginning, end, stored, N, -N or @TIME (ISO-8601, epoch ms, or a duration like 10m)`,
      });
    });
  }

  test('names the flag it is given', () => {
    assert.throws(() => parseOffsetSpec('abc', NOW, '-o'), { message: /^invalid -o value "abc"/ });
  });
});

describe('cli > options > parseUntilSpec', () => {
  test('accepts N and @TIME', () => {
    assert.deepEqual(parseUntilSpec('100', NOW), { kind: 'absolute', offset: 100 });
    assert.deepEqual(parseUntilSpec('@5m', NOW), { kind: 'timestamp', timestampMs: NOW - 300_000 });
    assert.deepEqual(parseUntilSpec('@2026-11-24T22:00:00Z', NOW), { kind: 'timestamp', timestampMs: NOW });
  });

  test('rejects the positions that make no sense as an end', () => {
    for (const text of ['beginning', 'end', 'stored', '-5', 'x', '@x']) {
      assert.throws(() => parseUntilSpec(text, NOW), {
        name: 'UsageError',
        message: `invalid --until value "${text}": use N or @TIME (ISO-8601, epoch ms, or a duration like 10m)`,
      });
    }
  });
});

describe('cli > options > parseDurationMs', () => {
  test('reads every unit and combinations of them', () => {
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('90s'), 90_000);
    assert.equal(parseDurationMs('10m'), 600_000);
    assert.equal(parseDurationMs('2h'), 7_200_000);
    assert.equal(parseDurationMs('7d'), 604_800_000);
    assert.equal(parseDurationMs('1w'), 604_800_000);
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
    assert.equal(parseDurationMs('1m500ms'), 60_500);
    assert.equal(parseDurationMs('0s'), 0);
  });

  test('rejects anything else', () => {
    for (const text of ['', '10', 'm', '1.5h', '10 m', '-5m', '10M', '1h 30m', '1y', '99999999999999999d']) {
      assert.throws(() => parseDurationMs(text), UsageError, text);
    }
    assert.throws(() => parseDurationMs('x', '--by-duration'), { message: /^invalid --by-duration value "x": use a number and a unit/ });
  });
});

describe('cli > options > parseTimeMs', () => {
  test('returns undefined rather than throwing for a bad time', () => {
    assert.equal(parseTimeMs('soon', NOW), undefined);
    assert.equal(parseTimeMs('1764000000000', NOW), 1764000000000);
  });
});
