// OutputBuffer: growth, every write method against the obvious Buffer/String equivalent, and the
// take() contract (the bytes handed out are never written again).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OutputBuffer } from '../../../src/cli/output-buffer.js';

describe('cli > OutputBuffer', () => {
  test('starts empty and take() of nothing is an empty buffer', () => {
    const out = new OutputBuffer();
    assert.equal(out.length, 0);
    assert.equal(out.take().length, 0);
  });

  test('writes bytes, ranges of arrays, ASCII and UTF-8 in order', () => {
    const out = new OutputBuffer(64);
    out.writeByte(0x41);
    out.writeBytes(Buffer.from('xxhelloxx'), 2, 7);
    out.writeBytes(Buffer.from([1, 2, 3]), 1, 1);
    const long = Buffer.alloc(100, 0x62);
    out.writeBytes(long, 0, long.length);
    out.writeAscii(' 123 ');
    out.writeUtf8('é☃😀');
    assert.equal(out.length, 1 + 5 + 100 + 5 + 2 + 3 + 4);
    assert.deepEqual(out.take(), Buffer.concat([Buffer.from('Ahello'), long, Buffer.from(' 123 é☃😀')]));
    assert.equal(out.length, 0);
  });

  test('writeAscii falls back to UTF-8 for a non-ASCII character', () => {
    const out = new OutputBuffer(64);
    out.writeAscii('ab€cd');
    out.writeAscii('x'.repeat(100) + 'ü');
    assert.equal(out.take().toString('utf8'), 'ab€cd' + 'x'.repeat(100) + 'ü');
  });

  test('grows past its initial size without losing bytes', () => {
    const out = new OutputBuffer(64);
    const expected: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      out.writeDecimal(i);
      out.writeByte(0x0a);
      expected.push(`${i}\n`);
    }
    out.writeBytes(Buffer.alloc(1 << 20, 0x7a), 0, 1 << 20);
    expected.push('z'.repeat(1 << 20));
    assert.equal(out.take().toString('latin1'), expected.join(''));
  });

  test('writeDecimal writes what String() writes for safe integers, negatives included', () => {
    const out = new OutputBuffer(64);
    const values = [0, 1, 9, 10, 99, 100, 12345, 2147483647, 2147483648, 4294967296, 1764000000000, -1, -42, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let p = 1; p < 1e16; p *= 10) values.push(p - 1, p, p + 1);
    for (const n of values) {
      out.writeDecimal(n);
      assert.equal(out.take().toString('latin1'), String(n), `for ${n}`);
    }
  });

  test('the buffer take() returns is not written again', () => {
    const out = new OutputBuffer(64);
    out.writeAscii('a'.repeat(60));
    const first = out.take();
    out.writeAscii('b'.repeat(60));
    const second = out.take();
    assert.equal(first.toString(), 'a'.repeat(60));
    assert.equal(second.toString(), 'b'.repeat(60));
  });

  test('a small take() is copied out and the buffer is reused', () => {
    const out = new OutputBuffer(1 << 16);
    out.writeAscii('one\n');
    const first = out.take();
    out.writeAscii('two\n');
    const second = out.take();
    assert.equal(first.toString(), 'one\n');
    assert.equal(second.toString(), 'two\n');
    assert.ok(first.buffer.byteLength < 1 << 16 || first.byteOffset !== second.byteOffset);
  });

  test('clear() forgets what was written', () => {
    const out = new OutputBuffer(64);
    out.writeAscii('discarded');
    out.clear();
    assert.equal(out.length, 0);
    out.writeAscii('kept');
    assert.equal(out.take().toString(), 'kept');
  });
});
