// FrameReader: frames of every size, fed through onread-style reads of every length or through
// pushed chunks cut anywhere, come out whole, in order and unchanged; a size no frame can have is
// refused; large frames use the pool and, when asked, go back to it once handled.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BufferPool } from '../../../src/common/buffer-pool.js';
import { ProtocolError } from '../../../src/common/errors.js';
import { FrameReader } from '../../../src/protocol/frame-reader.js';

function frame(bodyBytes: number): Buffer {
  const f = Buffer.concat([Buffer.alloc(4), randomBytes(bodyBytes)]);
  f.writeInt32BE(bodyBytes, 0);
  return f;
}

const SIZES = [0, 1, 10, 1000, 16 * 1024 - 4, 16 * 1024 - 3, 16 * 1024, 40_000, 200_000, 3, 70_000, 5];
const STREAM = Buffer.concat(SIZES.map(frame));
const EXPECTED = SIZES.map((n, i) => STREAM.subarray(SIZES.slice(0, i).reduce((s, m) => s + m + 4, 0), SIZES.slice(0, i + 1).reduce((s, m) => s + m + 4, 0)));

describe('protocol > FrameReader', () => {
  for (const readBytes of [1, 3, 4, 7, 1000, 16 * 1024, 65_536, 1 << 20]) {
    test(`reads into its own buffers, at most ${readBytes} bytes a read`, () => {
      const frames: Buffer[] = [];
      const reader = new FrameReader((f) => frames.push(Buffer.from(f)), { headBytes: 16 * 1024 });
      let offset = 0;
      while (offset < STREAM.length) {
        const target = reader.nextBuffer();
        assert.ok(target.length > 0, 'never an empty read buffer');
        const n = STREAM.copy(target, 0, offset, Math.min(STREAM.length, offset + Math.min(readBytes, target.length)));
        offset += n;
        reader.onRead(n);
      }
      assert.deepEqual(frames, EXPECTED);
      assert.equal(reader.bufferedBytes, 0);
    });
  }

  for (const chunkBytes of [1, 5, 4096, 65_536, 300_000]) {
    test(`takes pushed chunks of ${chunkBytes} bytes`, () => {
      const frames: Buffer[] = [];
      const reader = new FrameReader((f) => frames.push(Buffer.from(f)));
      for (let offset = 0; offset < STREAM.length; offset += chunkBytes) reader.push(STREAM.subarray(offset, offset + chunkBytes));
      assert.deepEqual(frames, EXPECTED);
    });
  }

  test('short frames are copies: the caller may keep them while the reader goes on', () => {
    const frames: Buffer[] = [];
    const reader = new FrameReader((f) => frames.push(f), { headBytes: 1024 });
    reader.push(Buffer.concat([frame(10), frame(20)]));
    const kept = Buffer.from(frames[0]!);
    reader.push(Buffer.concat([frame(10), frame(30)]));
    assert.deepEqual(frames[0], kept);
  });

  test('a negative or oversized frame size is refused', () => {
    const reader = new FrameReader(() => undefined, { maxFrameBytes: 1000 });
    const bad = Buffer.alloc(8);
    bad.writeInt32BE(2000, 0);
    assert.throws(() => reader.push(bad), ProtocolError);
    const negative = Buffer.alloc(8);
    negative.writeInt32BE(-5, 0);
    assert.throws(() => new FrameReader(() => undefined).push(negative), ProtocolError);
  });

  test('large frames come from the pool and, with releaseAfterHandling, go back once handled', () => {
    const pool = new BufferPool({ maxFree: 1 });
    const seen: ArrayBufferLike[] = [];
    const reader = new FrameReader((f) => seen.push(f.buffer), { headBytes: 1024, pool, releaseAfterHandling: true });
    reader.push(Buffer.concat([frame(50_000), frame(10), frame(60_000)]));
    assert.equal(seen.length, 3);
    assert.equal(seen[0], seen[2], 'the second large frame reused the first one\'s memory');
    assert.equal(pool.freeCount, 1);
  });
});
