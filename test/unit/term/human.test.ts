// Human-readable sizes, durations, counts and times as tables and summaries print them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes, formatCount, formatDuration, formatTimestamp } from '../../../src/term/human.js';

describe('term > human', () => {
  test('sizes in binary units, one decimal below 10', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(1372505), '1.3 MiB');
    assert.equal(formatBytes(64 * 1024 * 1024), '64 MiB');
    assert.equal(formatBytes(3 * 1024 ** 5), '3072 TiB');
  });

  test('durations from milliseconds to days', () => {
    assert.equal(formatDuration(753.4), '753 ms');
    assert.equal(formatDuration(1820), '1.82 s');
    assert.equal(formatDuration(42_000), '42.0 s');
    assert.equal(formatDuration(3_723_000), '1h 2m');
    assert.equal(formatDuration(125_000), '2m 5s');
    assert.equal(formatDuration(3 * 86_400_000 + 5 * 3_600_000), '3d 5h');
  });

  test('counts with thousands separators, and timestamps as ISO-8601 or -', () => {
    assert.equal(formatCount(7), '7');
    assert.equal(formatCount(1_234_567), '1,234,567');
    assert.equal(formatTimestamp(1764000000000), '2025-11-24T16:00:00.000Z');
    assert.equal(formatTimestamp(-1), '-');
    assert.equal(formatTimestamp(null), '-');
  });
});
