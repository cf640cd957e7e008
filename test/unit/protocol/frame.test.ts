import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestHeader,
  encodeResponseHeader,
  joinFrame,
  SIZE_BYTES,
} from '../../../src/protocol/frame.js';

describe('protocol > joinFrame', () => {
  const parts = [Buffer.from('produce'), Buffer.alloc(0), Buffer.from([0, 1, 2, 255])];
  const bytes = parts.reduce((n, p) => n + p.length, 0);

  test('a request joined into one buffer is the header followed by every part, and decodes', () => {
    const header = encodeRequestHeader(0, 41, bytes);
    const frame = joinFrame(header, parts, bytes);
    assert.deepEqual(frame, Buffer.concat([header, ...parts]));
    const decoded = decodeRequestFrame(frame);
    assert.equal(decoded.requestId, 41);
    assert.deepEqual(decoded.body, Buffer.concat(parts));
  });

  test('a response joined into one buffer keeps its error code and body', () => {
    const header = encodeResponseHeader(1, 7, 3, bytes);
    const frame = joinFrame(header, parts, bytes);
    assert.equal(frame.readInt32BE(0), frame.length - SIZE_BYTES);
    const decoded = decodeResponseFrame(frame);
    assert.equal(decoded.requestId, 7);
    assert.equal(decoded.errorCode, 3);
    assert.deepEqual(decoded.body, Buffer.concat(parts));
  });
});
