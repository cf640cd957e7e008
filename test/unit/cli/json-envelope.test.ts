// The JSON envelope: exact output for typical records, escaping compared with JSON.stringify,
// base64 for bytes that are not UTF-8, generated round trips through parseJsonEnvelope, and the
// errors parseJsonEnvelope reports for malformed lines.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OutputBuffer } from '../../../src/cli/output-buffer.js';
import { EnvelopeError, formatJsonEnvelope, parseJsonEnvelope } from '../../../src/cli/format/json-envelope.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { stampBaseOffset } from '../../../src/records/record-batch.js';
import { RecordCursor } from '../../../src/records/record-cursor.js';
import type { ProducerRecord, RecordHeader } from '../../../src/records/record.js';

const TIMESTAMP = 1764000000000;

function envelopes(records: ProducerRecord[], topic = 't', partition = 0): string[] {
  const batch = encodeRecordBatch(records);
  stampBaseOffset(batch, 0, 42);
  const cursor = new RecordCursor();
  cursor.open(batch, 0, batch.length);
  const lines: string[] = [];
  const out = new OutputBuffer(64);
  while (cursor.next()) {
    formatJsonEnvelope(cursor, topic, partition, out);
    lines.push(out.take().toString('utf8'));
  }
  return lines;
}

function envelope(fields: Partial<ProducerRecord>): string {
  return envelopes([{ key: null, value: null, headers: [], timestamp: TIMESTAMP, ...fields }])[0]!;
}

const header = (key: string, value: string | Buffer | null): RecordHeader => ({ key, value: typeof value === 'string' ? Buffer.from(value) : value });

/** mulberry32: a tiny deterministic PRNG, so generated cases are the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Null, random bytes, control-heavy ASCII, or valid multi-byte UTF-8. */
function randomField(random: () => number): Buffer | null {
  const kind = Math.floor(random() * 5);
  const length = Math.floor(random() * 40);
  if (kind === 0) return null;
  if (kind === 1) return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
  if (kind === 2) return Buffer.from(Array.from({ length }, () => Math.floor(random() * 128)));
  const chars = ['a', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '€', '😀', '\u2028', ' '];
  return Buffer.from(Array.from({ length }, () => chars[Math.floor(random() * chars.length)]!).join(''), 'utf8');
}

describe('cli > format > formatJsonEnvelope', () => {
  test('writes the fields in the documented order', () => {
    const line = envelope({ key: Buffer.from('k'), value: Buffer.from('v'), headers: [header('h', 'v')] });
    assert.equal(line, `{"topic":"t","partition":0,"offset":42,"timestamp":${TIMESTAMP},"key":"k","value":"v","headers":{"h":"v"}}`);
  });

  test('writes null key, null value and no headers', () => {
    assert.equal(envelope({}), `{"topic":"t","partition":0,"offset":42,"timestamp":${TIMESTAMP},"key":null,"value":null,"headers":{}}`);
  });

  test('escapes strings exactly as JSON.stringify does', () => {
    const text = 'q"b\\s/\n\r\t\b\f\u0000\u0001\u001f\u007f é € 😀 \u2028';
    const parsed = JSON.parse(envelope({ key: Buffer.from(text), value: Buffer.from(text) })) as { key: string };
    assert.equal(parsed.key, text);
    assert.ok(envelope({ value: Buffer.from(text) }).includes(`"value":${JSON.stringify(text)}`));
  });

  test('writes bytes that are not UTF-8 as base64 and marks them', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00]);
    const line = envelope({ key: bytes, value: Buffer.from([0xc3, 0x28]) });
    assert.ok(line.includes(`"key":"${bytes.toString('base64')}","keyEncoding":"base64","value":"wyg=","valueEncoding":"base64","headers"`), line);
  });

  test('treats encoded surrogates and overlong forms as not UTF-8', () => {
    for (const bytes of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]]) {
      assert.ok(envelope({ value: Buffer.from(bytes) }).includes('"valueEncoding":"base64"'));
    }
  });

  test('writes null header values as null and non-UTF-8 ones as base64 listed in headerEncodings', () => {
    const line = envelope({ headers: [header('a', null), header('b', Buffer.from([0xff])), header('c', 'x')] });
    assert.ok(line.endsWith(`"headers":{"a":null,"b":"/w==","c":"x"},"headerEncodings":{"b":"base64"}}`), line);
  });

  test('writes the values of a repeated header key as one array, in order, and reads them back', () => {
    const headers = [header('a', '1'), header('b', '2'), header('a', null), header('a', '3')];
    const line = envelope({ headers });
    assert.ok(line.endsWith(`"headers":{"a":["1",null,"3"],"b":"2"}}`), line);
    const back = parseJsonEnvelope(line).headers;
    assert.deepEqual(
      back.map((h) => `${h.key}=${h.value?.toString() ?? '<null>'}`),
      ['a=1', 'a=<null>', 'a=3', 'b=2'],
      'every value comes back (grouped by key)',
    );
  });

  test('a repeated header key with a value that is not UTF-8 has all its values in base64', () => {
    const binary = Buffer.from([0xff, 0x00, 0xc3]);
    const line = envelope({ headers: [header('h', 'text'), header('h', binary), header('u', 'x')] });
    const parsed = JSON.parse(line) as { headers: Record<string, unknown>; headerEncodings: Record<string, string> };
    assert.deepEqual(parsed.headers, { h: [Buffer.from('text').toString('base64'), binary.toString('base64')], u: 'x' });
    assert.deepEqual(parsed.headerEncodings, { h: 'base64' });
    assert.deepEqual(
      parseJsonEnvelope(line).headers.map((h) => [h.key, h.value]),
      [
        ['h', Buffer.from('text')],
        ['h', binary],
        ['u', Buffer.from('x')],
      ],
    );
  });

  test('escapes the topic and header keys', () => {
    const line = envelopes([{ key: null, value: null, headers: [header('k"\n', 'v')], timestamp: 0 }], 'a"b')[0]!;
    const parsed = JSON.parse(line) as { topic: string; headers: Record<string, string> };
    assert.equal(parsed.topic, 'a"b');
    assert.deepEqual(parsed.headers, { 'k"\n': 'v' });
  });

  test('writes large offsets, partitions and timestamps as plain numbers', () => {
    const batch = encodeRecordBatch([{ key: null, value: null, headers: [], timestamp: 8_000_000_000_000 }]);
    stampBaseOffset(batch, 0, 2 ** 40);
    const cursor = new RecordCursor();
    cursor.open(batch, 0, batch.length);
    cursor.next();
    const out = new OutputBuffer(64);
    formatJsonEnvelope(cursor, 't', 2147483647, out);
    const parsed = JSON.parse(out.take().toString()) as Record<string, unknown>;
    assert.deepEqual([parsed.partition, parsed.offset, parsed.timestamp], [2147483647, 2 ** 40, 8_000_000_000_000]);
  });
});

describe('cli > format > parseJsonEnvelope', () => {
  test('round-trips generated records exactly', () => {
    const random = prng(20261124);
    for (let round = 0; round < 300; round++) {
      const headerCount = Math.floor(random() * 4);
      const record: ProducerRecord = {
        key: randomField(random),
        value: randomField(random),
        headers: Array.from({ length: headerCount }, (_, i) => ({ key: `h${i}${i % 2 === 0 ? '"é' : ''}`, value: randomField(random) })),
        timestamp: Math.floor(random() * 2 ** 45),
      };
      const line = envelopes([record])[0]!;
      const parsed = parseJsonEnvelope(line);
      assert.deepEqual(parsed.key, record.key, `round ${round}: ${line}`);
      assert.deepEqual(parsed.value, record.value, `round ${round}: ${line}`);
      assert.deepEqual(parsed.headers, record.headers, `round ${round}: ${line}`);
      assert.equal(parsed.timestamp, record.timestamp);
      assert.equal(parsed.partition, 0);
    }
  });

  test('fills in absent fields: null key and value, no headers, no timestamp or partition', () => {
    assert.deepEqual(parseJsonEnvelope('{}'), { key: null, value: null, headers: [], timestamp: undefined, partition: undefined });
  });

  test('ignores topic, offset and unknown fields', () => {
    const parsed = parseJsonEnvelope('{"topic":5,"offset":"x","extra":[1],"value":"v"}');
    assert.deepEqual(parsed.value, Buffer.from('v'));
  });

  test('accepts explicit utf8 encodings and unpadded base64', () => {
    const parsed = parseJsonEnvelope('{"key":"k","keyEncoding":"utf8","value":"/w","valueEncoding":"base64"}');
    assert.deepEqual(parsed.key, Buffer.from('k'));
    assert.deepEqual(parsed.value, Buffer.from([0xff]));
  });

  test('does not mistake Object.prototype members for headers or encodings', () => {
    const parsed = parseJsonEnvelope('{"headers":{"toString":"x","__proto__":"y"}}');
    assert.deepEqual(parsed.headers, [header('toString', 'x'), header('__proto__', 'y')]);
  });

  const rejects: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"key":', /^invalid JSON: /],
    ['an array', '[1]', /expected a JSON object, got an array/],
    ['null', 'null', /expected a JSON object, got null/],
    ['a numeric key', '{"key":1}', /"key" must be a string or null, got 1/],
    ['an object value', '{"value":{}}', /"value" must be a string or null, got an object/],
    ['an unknown encoding', '{"value":"v","valueEncoding":"hex"}', /"valueEncoding" must be "base64" or "utf8", got "hex"/],
    ['invalid base64', '{"value":"a*b","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['truncated base64', '{"value":"abcde","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['misplaced padding', '{"value":"ab=c","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['headers as an array', '{"headers":[]}', /"headers" must be an object, got an array/],
    ['a numeric header value', '{"headers":{"h":1}}', /header "h" must be a string, null or an array of them, got 1/],
    ['a nested array of header values', '{"headers":{"h":["a",["b"]]}}', /header "h" must be a string, null or an array of them, got an array/],
    ['invalid base64 in a header', '{"headers":{"h":"!"},"headerEncodings":{"h":"base64"}}', /header "h" is not valid base64/],
    ['an encoding for a missing header', '{"headers":{},"headerEncodings":{"x":"base64"}}', /names header "x", which is not in "headers"/],
    ['a negative timestamp', '{"timestamp":-1}', /"timestamp" must be a non-negative safe integer/],
    ['a fractional timestamp', '{"timestamp":1.5}', /"timestamp" must be a non-negative safe integer/],
    ['a string timestamp', '{"timestamp":"1"}', /"timestamp" must be a non-negative safe integer \(epoch milliseconds\), got "1"/],
    ['an unsafe timestamp', '{"timestamp":9007199254740993}', /"timestamp" must be a non-negative safe integer/],
    ['a negative partition', '{"partition":-1}', /"partition" must be a non-negative integer, got -1/],
    ['a fractional partition', '{"partition":0.5}', /"partition" must be a non-negative integer/],
  ];
  for (const [what, line, message] of rejects) {
    test(`rejects ${what} with EnvelopeError`, () => {
      assert.throws(() => parseJsonEnvelope(line), (err: unknown) => err instanceof EnvelopeError && message.test(err.message));
    });
  }
});
