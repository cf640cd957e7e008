// LiveFeed: the bounded hand-over between the fetch loop of `spool tail` and its live view.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveFeed } from '../../../src/ui/live-feed.js';
import type { TailRecord } from '../../../src/ui/tail-record.js';

function record(offset: number): TailRecord {
  return { topic: 't', partition: 0, offset, timestamp: 0, key: null, value: `v${offset}`, valueBytes: 2, binary: false, formatted: null };
}

describe('ui > LiveFeed', () => {
  test('take() hands over everything that arrived, once', () => {
    const feed = new LiveFeed();
    feed.push(record(0));
    feed.push(record(1));
    assert.deepEqual(feed.take().map((r) => r.offset), [0, 1]);
    assert.deepEqual(feed.take(), []);
  });

  test('past its bound the feed is full, and whenRoom() resolves only once the view took the records', async () => {
    const feed = new LiveFeed({ maxHeldRecords: 3 });
    for (let i = 0; i < 3; i++) feed.push(record(i));
    assert.equal(feed.full, true);
    let room = false;
    const waiting = feed.whenRoom().then(() => (room = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(room, false);
    feed.take();
    await waiting;
    assert.equal(room, true);
    assert.equal(feed.full, false);
  });

  test('while paused nothing is taken, records keep counting, and resume hands them over', () => {
    const feed = new LiveFeed();
    feed.setPaused(true);
    feed.push(record(0));
    feed.skip(2);
    assert.deepEqual(feed.take(), []);
    const stats = feed.stats();
    assert.equal(stats.paused, true);
    assert.equal(stats.total, 3);
    assert.equal(stats.held, 1);
    feed.setPaused(false);
    assert.deepEqual(feed.take().map((r) => r.offset), [0]);
  });

  test('the rate is records per second over the recent window', () => {
    let now = 0;
    const feed = new LiveFeed({ now: () => now });
    now = 1000;
    for (let i = 0; i < 500; i++) feed.push(record(i));
    assert.equal(Math.round(feed.stats().ratePerSec), 500);
    now = 4000;
    assert.equal(Math.round(feed.stats().ratePerSec), 0);
  });

  test('a failure reaches listeners, also those that subscribe later', () => {
    const feed = new LiveFeed();
    const seen: string[] = [];
    feed.onError((err) => seen.push(err.message));
    feed.fail(new Error('broker gone'));
    feed.onError((err) => seen.push(`late ${err.message}`));
    assert.deepEqual(seen, ['broker gone', 'late broker gone']);
  });
});
