// Colour levels: FORCE_COLOR first, then NO_COLOR, then whether the stream is a terminal.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { colorLevel } from '../../../src/term/colors.js';

function stream(isTTY: boolean): Writable & { isTTY?: boolean } {
  const s = new Writable({ write: (_chunk, _encoding, done) => done() }) as Writable & { isTTY?: boolean };
  s.isTTY = isTTY;
  return s;
}

describe('term > colors', () => {
  test('no colour into a pipe', () => {
    assert.equal(colorLevel(stream(false), {}), 0);
  });

  test('NO_COLOR turns colour off on a terminal; an empty NO_COLOR does not', () => {
    assert.equal(colorLevel(stream(true), { NO_COLOR: '1' }), 0);
    assert.ok(colorLevel(stream(true), { NO_COLOR: '' }) >= 1);
  });

  test('FORCE_COLOR wins over NO_COLOR and a pipe', () => {
    assert.equal(colorLevel(stream(false), { FORCE_COLOR: '1', NO_COLOR: '1' }), 1);
    assert.equal(colorLevel(stream(false), { FORCE_COLOR: '3' }), 3);
    assert.equal(colorLevel(stream(true), { FORCE_COLOR: '0' }), 0);
    assert.equal(colorLevel(stream(true), { FORCE_COLOR: 'false' }), 0);
  });

  test('TERM=dumb means no colour', () => {
    assert.equal(colorLevel(stream(true), { TERM: 'dumb' }), 0);
  });
});
