// CRC-32C: the JavaScript table used for small inputs and the native addon used for the rest must
// agree on every length around the switch, and both on the published check value; spool's own
// three-stream addon, built at install, must agree with @node-rs/crc32 around every block size and
// alignment it treats apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { crc32c, crc32cTable } from '../../../src/records/crc32c.js';

const addon = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: (input: Buffer) => number };

test('the check value of "123456789" is 0xe3069283 (RFC 3720 B.4), by both paths', () => {
  const input = Buffer.from('123456789', 'latin1');
  assert.equal(crc32cTable(input), 0xe3069283);
  assert.equal(crc32c(input), 0xe3069283);
  assert.equal(addon.crc32c(input) >>> 0, 0xe3069283);
});

test('an empty input sums to 0', () => {
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.equal(crc32cTable(Buffer.alloc(0)), 0);
});

test('table and addon agree on every length from 0 to 600 bytes and on a large input', () => {
  const data = randomBytes(70_000);
  for (let n = 0; n <= 600; n++) {
    const slice = data.subarray(7, 7 + n);
    assert.equal(crc32cTable(slice), addon.crc32c(slice) >>> 0, `length ${n}`);
    assert.equal(crc32c(slice), addon.crc32c(slice) >>> 0, `length ${n}`);
  }
  assert.equal(crc32c(data), crc32cTable(data));
});

test('a Uint8Array that is not a Buffer is summed over its own window', () => {
  const backing = randomBytes(2048);
  const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 1500);
  assert.equal(crc32c(view), addon.crc32c(backing.subarray(100, 1600)) >>> 0);
});

test("spool's own addon is built by the install and sums large inputs", async () => {
  const { crc32cAddon } = await import('../../../src/records/crc32c.js');
  assert.equal(crc32cAddon(), 'spool', 'build/Release/spool_native.node did not load: did `npm ci` run node-gyp?');
});

test("spool's three-stream addon agrees with @node-rs/crc32 across its block sizes and alignments", () => {
  const own = createRequire(import.meta.url)('../../../../build/Release/spool_native.node') as { crc32c: (input: Buffer) => number };
  const data = randomBytes((1 << 20) + 64);
  const lengths = new Set<number>();
  for (let n = 0; n <= 80; n++) lengths.add(n);
  // Around one short and one long three-stream round (3 x 256, 3 x 8192), and two of each.
  for (const round of [768, 1536, 24_576, 49_152, 49_152 + 768]) for (let d = -9; d <= 9; d++) lengths.add(round + d);
  lengths.add(1 << 20);
  for (const n of lengths) {
    for (let offset = 0; offset < 8; offset++) {
      const slice = data.subarray(offset, offset + n);
      assert.equal(own.crc32c(slice), addon.crc32c(slice) >>> 0, `length ${n} at offset ${offset}`);
    }
  }
  assert.equal(own.crc32c(Buffer.from('123456789', 'latin1')), 0xe3069283);
});
