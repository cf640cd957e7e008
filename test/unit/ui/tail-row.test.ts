// The rows of the tail view: columns, local time, JSON on one line in colour, escapes, and rows
// cut to the terminal width.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Chalk } from 'chalk';
import { makePalette } from '../../../src/term/colors.js';
import type { TailRecord } from '../../../src/ui/tail-record.js';
import { jsonSpans } from '../../../src/ui/json-spans.js';
import { TailRowFormatter } from '../../../src/ui/tail-row.js';
import { escapeControls, fitWidth, textWidth } from '../../../src/ui/text-width.js';

const PLAIN = makePalette(new Chalk({ level: 0 }));
const COLOUR = makePalette(new Chalk({ level: 1 }));
const ESC = '\u001b';
const ANSI = /\u001b\[[0-9;]*m/g;

function record(fields: Partial<TailRecord> = {}): TailRecord {
  const today = new Date();
  today.setHours(14, 3, 7, 123);
  return { topic: 'logs', partition: 2, offset: 1234, timestamp: today.getTime(), key: 'user-1', value: 'hello', valueBytes: 5, binary: false, formatted: null, ...fields };
}

describe('ui > tail rows', () => {
  test('a row is local time, partition/offset, key and value', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: false });
    assert.equal(rows.format(record(), 80), '14:03:07.123 2/1234 user-1 hello');
  });

  test('the topic comes first when several topics are followed', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: true });
    assert.equal(rows.format(record(), 80), '14:03:07.123 logs 2/1234 user-1 hello');
  });

  test('a record from another day shows its date', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: false });
    const then = new Date(2024, 0, 31, 9, 5, 1, 2).getTime();
    assert.equal(rows.format(record({ timestamp: then }), 80), '2024-01-31 09:05:01.002 2/1234 user-1 hello');
  });

  test('columns only grow, so rows line up; a null key shows as -', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: false });
    const first = rows.format(record({ offset: 123456, key: 'a-longer-key' }), 80);
    const second = rows.format(record({ offset: 7, key: null }), 80);
    assert.equal(first.indexOf('hello'), second.indexOf('hello'));
    assert.match(second, / 2\/7 {6}- {12}hello$/);
  });

  test('no key column until some record has a key', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: false });
    assert.equal(rows.format(record({ key: null }), 80), '14:03:07.123 2/1234 hello');
  });

  test('JSON values come on one line, whitespace between tokens dropped, coloured by token', () => {
    const rows = new TailRowFormatter(COLOUR, { showTopic: false });
    const row = rows.format(record({ key: null, value: '{\n  "level": "info",\n  "n": 42,\n  "ok": true,\n  "tags": [null]\n}' }), 120);
    assert.equal(row.replace(ANSI, ''), '14:03:07.123 2/1234 {"level":"info","n":42,"ok":true,"tags":[null]}');
    assert.ok(row.includes(`${ESC}[0;34m"level"`), 'keys in blue');
    assert.ok(row.includes(`${ESC}[0;32m"info"`), 'strings in green');
    assert.ok(row.includes(`${ESC}[0;33m42`), 'numbers in yellow');
    assert.ok(row.endsWith(`${ESC}[0m`), 'colour reset at the end of the row');
  });

  test('text that only starts like JSON is shown as text', () => {
    assert.equal(jsonSpans('[INFO] started', 80), null);
    const rows = new TailRowFormatter(PLAIN, { showTopic: false });
    assert.equal(rows.format(record({ key: null, value: '[INFO] started' }), 80), '14:03:07.123 2/1234 [INFO] started');
  });

  test('rows are cut to the width with …, counting wide characters as two cells', () => {
    const rows = new TailRowFormatter(COLOUR, { showTopic: false });
    for (const value of ['x'.repeat(500), '日本語'.repeat(100), `{"k":"${'y'.repeat(300)}"}`]) {
      for (const columns of [20, 40, 79, 80]) {
        const plain = rows.format(record({ value }), columns).replace(ANSI, '');
        assert.ok(textWidth(plain) <= columns, `${textWidth(plain)} cells in ${columns}: ${plain}`);
        assert.ok(plain.endsWith('…'), plain);
        assert.ok(textWidth(plain) >= columns - 1, 'the row uses the width');
      }
    }
  });

  test('control characters are escaped, so a record cannot drive the terminal', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: false });
    const row = rows.format(record({ key: 'k\u001b[2J', value: 'line1\nline2\t\u0007end\r' }), 200);
    assert.equal(row, '14:03:07.123 2/1234 k\\e[2J line1\\nline2\\t\\x07end\\r');
    assert.ok(!row.includes(ESC));
  });

  test('null and binary values say so', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: false });
    assert.match(rows.format(record({ value: null, valueBytes: 0 }), 80), / user-1 null$/);
    assert.match(rows.format(record({ value: 'fffe00', binary: true, valueBytes: 3 }), 80), / user-1 <3 bytes, not UTF-8> fffe00$/);
  });

  test('a -f format replaces the columns, each of its lines cut to the width', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: false });
    assert.equal(rows.format(record({ formatted: `2:1234 ${'z'.repeat(50)}\nsecond` }), 20), '2:1234 zzzzzzzzzzzz…\nsecond');
  });

  test('without colour there is not one escape sequence', () => {
    const rows = new TailRowFormatter(PLAIN, { showTopic: true });
    assert.ok(!rows.format(record({ value: '{"a":[1,2,{"b":null}]}' }), 30).includes(ESC));
  });

  test('text width helpers', () => {
    assert.equal(textWidth('abc'), 3);
    assert.equal(textWidth('日本'), 4);
    assert.equal(textWidth('e\u0301'), 1);
    assert.deepEqual(fitWidth('日本語', 5), { text: '日本', width: 4 });
    assert.equal(escapeControls('a\u009bb'), 'a\\x9bb');
  });
});
