// BufferPool: buffers are reused by size, given back by any view into them, at most once, and
// only as many as the pool keeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../src/common/buffer-pool.js';

describe('common > BufferPool', () => {
  test('take() gives exactly the size asked for; a buffer given back is reused', () => {
    const pool = new BufferPool({ maxFree: 2 });
    const a = pool.take(1000);
    assert.equal(a.length, 1000);
    pool.give(a.subarray(10, 20)); // any view into it
    assert.equal(pool.freeCount, 1);
    const b = pool.take(5000);
    assert.equal(b.buffer, a.buffer, 'the same memory');
    assert.equal(b.length, 5000);
    assert.equal(pool.freeCount, 0);
  });

  test('a buffer too small for the size asked is not used; the smallest that fits is', () => {
    const pool = new BufferPool({ maxFree: 3 });
    const small = pool.take(10);
    const large = pool.take(300_000);
    const medium = pool.take(100_000);
    pool.give(small);
    pool.give(large);
    pool.give(medium);
    const taken = pool.take(90_000);
    assert.equal(taken.buffer, medium.buffer);
    const big = pool.take(200_000);
    assert.equal(big.buffer, large.buffer);
    const fresh = pool.take(1_000_000);
    assert.notEqual(fresh.buffer, small.buffer);
  });

  test('giving back twice, or memory the pool did not lend, changes nothing', () => {
    const pool = new BufferPool({ maxFree: 4 });
    const a = pool.take(100);
    pool.give(a);
    pool.give(a);
    assert.equal(pool.freeCount, 1);
    pool.give(Buffer.alloc(100_000));
    pool.give(Buffer.from('pooled? no'));
    assert.equal(pool.freeCount, 1);
    const b = pool.take(100);
    const c = pool.take(100);
    assert.notEqual(b.buffer, c.buffer, 'never the same memory to two holders');
  });

  test('keeps at most maxFree buffers, preferring larger ones, and none above maxKeptBytes', () => {
    const pool = new BufferPool({ maxFree: 1, maxKeptBytes: 1 << 20 });
    const a = pool.take(100_000);
    const b = pool.take(500_000);
    const c = pool.take(4 << 20);
    pool.give(a);
    pool.give(b);
    assert.equal(pool.freeCount, 1);
    assert.equal(pool.take(100).buffer, b.buffer, 'the larger one was kept');
    pool.give(c);
    assert.equal(pool.freeCount, 0, 'a buffer above maxKeptBytes is dropped');
  });
});
