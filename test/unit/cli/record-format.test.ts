// compileRecordFormat: the value and json formats, every kcat template token, escapes, null and
// empty keys/values/headers, raw bytes passed through untouched, and template parse errors.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OutputBuffer } from '../../../src/cli/output-buffer.js';
import { compileRecordFormat } from '../../../src/cli/format/record-format.js';
import { UsageError } from '../../../src/common/errors.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { stampBaseOffset } from '../../../src/records/record-batch.js';
import { RecordCursor } from '../../../src/records/record-cursor.js';
import type { ProducerRecord, RecordHeader } from '../../../src/records/record.js';

const TIMESTAMP = Date.UTC(2026, 10, 24, 22, 0, 0, 7);

function record(fields: Partial<ProducerRecord>): ProducerRecord {
  return { key: null, value: null, headers: [], timestamp: TIMESTAMP, ...fields };
}

/** Format each record (offsets from 42) with `format` and return all output as one Buffer. */
function formatAll(format: string, records: ProducerRecord[], topic = 'orders', partition = 3): Buffer {
  const batch = encodeRecordBatch(records);
  stampBaseOffset(batch, 0, 42);
  const cursor = new RecordCursor();
  cursor.open(batch, 0, batch.length);
  const formatter = compileRecordFormat(format);
  const out = new OutputBuffer(64);
  while (cursor.next()) formatter(cursor, topic, partition, out);
  return out.take();
}

function formatOne(format: string, fields: Partial<ProducerRecord>): string {
  return formatAll(format, [record(fields)]).toString('utf8');
}

const header = (key: string, value: string | null): RecordHeader => ({ key, value: value === null ? null : Buffer.from(value) });

describe('cli > format > compileRecordFormat > value', () => {
  test('prints each value and a newline', () => {
    const out = formatAll('value', [record({ value: Buffer.from('a') }), record({ value: Buffer.from('bc') })]);
    assert.equal(out.toString(), 'a\nbc\n');
  });

  test('prints a null value and an empty value as an empty line', () => {
    const out = formatAll('value', [record({ value: null }), record({ value: Buffer.alloc(0) })]);
    assert.equal(out.toString(), '\n\n');
  });

  test('copies value bytes as they are, invalid UTF-8 and NUL included', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0d]);
    assert.deepEqual(formatAll('value', [record({ value: bytes })]), Buffer.concat([bytes, Buffer.from('\n')]));
  });

  test('prints values longer than the copy loop threshold intact', () => {
    const value = Buffer.alloc(5000, 0x61);
    assert.equal(formatOne('value', { value }), 'a'.repeat(5000) + '\n');
  });
});

describe('cli > format > compileRecordFormat > json', () => {
  test('prints the envelope followed by a newline', () => {
    const line = formatOne('json', { key: Buffer.from('k'), value: Buffer.from('v'), headers: [header('h', 'x')] });
    assert.equal(line, `{"topic":"orders","partition":3,"offset":42,"timestamp":${TIMESTAMP},"key":"k","value":"v","headers":{"h":"x"}}\n`);
  });
});

describe('cli > format > compileRecordFormat > template', () => {
  test('prints topic, partition, offset, key, value and timestamp', () => {
    assert.equal(formatOne('%t/%p@%o %k=%s %T', { key: Buffer.from('K'), value: Buffer.from('V') }), `orders/3@42 K=V ${TIMESTAMP}`);
  });

  test('adds no newline of its own', () => {
    const out = formatAll('%s', [record({ value: Buffer.from('a') }), record({ value: Buffer.from('b') })]);
    assert.equal(out.toString(), 'ab');
  });

  test('turns \\n, \\t, \\r and \\\\ into newline, tab, carriage return and backslash', () => {
    assert.equal(formatOne('%s\\t|\\\\|\\r\\n', { value: Buffer.from('v') }), 'v\t|\\|\r\n');
  });

  test('treats another escaped character as itself and keeps a trailing backslash, as kcat does', () => {
    assert.equal(formatOne('\\"%s\\"\\', { value: Buffer.from('v') }), '"v"\\');
  });

  test('prints %% as a literal percent sign', () => {
    assert.equal(formatOne('100%% %s', { value: Buffer.from('v') }), '100% v');
  });

  test('prints a null key or value as empty and their lengths as -1', () => {
    assert.equal(formatOne('[%k][%s] %K %S', { key: null, value: null }), '[][] -1 -1');
  });

  test('prints key and value lengths in bytes', () => {
    assert.equal(formatOne('%K %S', { key: Buffer.alloc(0), value: Buffer.from('héllo') }), '0 6');
  });

  test('copies key and value bytes without re-encoding them', () => {
    const key = Buffer.from([0xfe, 0x01]);
    const value = Buffer.from([0x80, 0x0a, 0xff]);
    const out = formatAll('%k|%s', [record({ key, value })]);
    assert.deepEqual(out, Buffer.concat([key, Buffer.from('|'), value]));
  });

  test('prints headers as k=v pairs joined by commas, k=NULL for a null value', () => {
    const headers = [header('a', '1'), header('b', ''), header('c', null), header('a', '2')];
    assert.equal(formatOne('%h', { headers }), 'a=1,b=,c=NULL,a=2');
  });

  test('prints nothing for %h when a record has no headers', () => {
    assert.equal(formatOne('[%h]', {}), '[]');
  });

  test('prints headers with long keys and values (multi-byte varints)', () => {
    const headers = [header('k'.repeat(200), 'v'.repeat(300)), header('é', 'ü')];
    assert.equal(formatOne('%h', { headers }), `${'k'.repeat(200)}=${'v'.repeat(300)},é=ü`);
  });

  test('prints %d as ISO-8601 UTC with milliseconds, the same as Date#toISOString', () => {
    const timestamps = [0, 1, 999, 86_399_999, 86_400_000, TIMESTAMP, TIMESTAMP + 1, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1)];
    const out = formatAll('%d\\n', timestamps.map((timestamp) => record({ timestamp })));
    assert.equal(out.toString(), timestamps.map((t) => `${new Date(t).toISOString()}\n`).join(''));
    assert.equal(formatOne('%d', { timestamp: TIMESTAMP }), '2026-11-24T22:00:00.007Z');
  });

  test('prints %d correctly for timestamps in any order (no stale cached day or second)', () => {
    let state = 12345;
    const timestamps = Array.from({ length: 500 }, (_, i) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      // Mostly near one another (same second, same day), sometimes a jump back or forward in time.
      return i % 7 === 0 ? state * 60_000 : TIMESTAMP + (state % 5000) - 2500;
    });
    const out = formatAll('%d,', timestamps.map((timestamp) => record({ timestamp })));
    assert.equal(out.toString(), timestamps.map((t) => `${new Date(t).toISOString()},`).join(''));
  });

  test('prints a timestamp before 1970 (Kafka -1: none) through the slow path', () => {
    assert.equal(formatOne('%T %d', { timestamp: -1 }), '-1 1969-12-31T23:59:59.999Z');
  });

  test('prints the topic it is given for each record, including a changing one', () => {
    const formatter = compileRecordFormat('%t:%s ');
    const batch = encodeRecordBatch([record({ value: Buffer.from('v') })]);
    const cursor = new RecordCursor();
    const out = new OutputBuffer(64);
    for (const topic of ['a', 'bb', 'bb', 'ü']) {
      cursor.open(batch, 0, batch.length);
      cursor.next();
      formatter(cursor, topic, 0, out);
    }
    assert.equal(out.take().toString(), 'a:v bb:v bb:v ü:v ');
  });

  test('keeps UTF-8 literal text', () => {
    assert.equal(formatOne('→ %s ←', { value: Buffer.from('v') }), '→ v ←');
  });
});

describe('cli > format > compileRecordFormat > errors', () => {
  test('rejects an unknown token, naming it', () => {
    assert.throws(() => compileRecordFormat('%s %x'), (err: unknown) => err instanceof UsageError && /unknown token %x/.test(err.message));
  });

  test('rejects a lone % at the end', () => {
    assert.throws(() => compileRecordFormat('%s %'), (err: unknown) => err instanceof UsageError && /lone %/.test(err.message));
  });

  test('rejects an empty format', () => {
    assert.throws(() => compileRecordFormat(''), UsageError);
  });
});
