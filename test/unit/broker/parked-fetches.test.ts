// ParkedFetches: a parked fetch is woken once, by the first append to any of its partitions, by
// its deadline, or by the broker stopping; a closed connection's fetches are forgotten unanswered.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ParkedFetches } from '../../../src/broker/parked-fetches.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('parked fetches', () => {
  test('an append wakes the fetch once; later appends and its deadline do not wake it again', async () => {
    const parked = new ParkedFetches();
    const wakes: boolean[] = [];
    parked.park({}, [['t', 0]], 30, (final) => wakes.push(final));
    assert.equal(parked.size, 1);
    parked.notify('t', 1);
    parked.notify('u', 0);
    assert.deepEqual(wakes, [], 'another partition and another topic leave it parked');
    parked.notify('t', 0);
    parked.notify('t', 0);
    assert.deepEqual(wakes, [false]);
    assert.equal(parked.size, 0);
    await sleep(60);
    assert.deepEqual(wakes, [false], 'its timer was cleared');
  });

  test('its deadline wakes it as final', async () => {
    const parked = new ParkedFetches();
    const wakes: boolean[] = [];
    parked.park({}, [['t', 0]], 10, (final) => wakes.push(final));
    await sleep(50);
    assert.deepEqual(wakes, [true]);
    parked.notify('t', 0);
    assert.deepEqual(wakes, [true]);
  });

  test('a fetch over several partitions is woken by the first of them only', () => {
    const parked = new ParkedFetches();
    let wakes = 0;
    parked.park({}, [['t', 0], ['t', 1], ['u', 0]], 1000, () => wakes++);
    parked.notify('t', 1);
    parked.notify('t', 0);
    parked.notify('u', 0);
    assert.equal(wakes, 1);
    assert.equal(parked.size, 0);
  });

  test('a fetch that parks again while being woken waits for the next append', () => {
    const parked = new ParkedFetches();
    const owner = {};
    const log: string[] = [];
    const park = (round: number) =>
      parked.park(owner, [['t', 0]], 1000, () => {
        log.push(`woken ${round}`);
        if (round < 3) park(round + 1);
      });
    // Others parked on the same partition alongside it, each woken once per append.
    for (let i = 0; i < 10; i++) parked.park({}, [['t', 0]], 1000, () => log.push('other'));
    park(1);
    parked.notify('t', 0);
    assert.deepEqual(log.filter((l) => l !== 'other'), ['woken 1']);
    assert.equal(log.filter((l) => l === 'other').length, 10);
    parked.notify('t', 0);
    parked.notify('t', 0);
    parked.notify('t', 0);
    assert.deepEqual(log.filter((l) => l !== 'other'), ['woken 1', 'woken 2', 'woken 3']);
    assert.equal(parked.size, 0);
  });

  test("a closed connection's fetches are forgotten without an answer; others are still woken", () => {
    const parked = new ParkedFetches();
    const closed = {};
    const open = {};
    const wakes: string[] = [];
    parked.park(closed, [['t', 0]], 1000, () => wakes.push('closed'));
    parked.park(closed, [['t', 1]], 1000, () => wakes.push('closed'));
    parked.park(open, [['t', 0]], 1000, () => wakes.push('open'));
    parked.drop(closed);
    assert.equal(parked.size, 1);
    parked.notify('t', 0);
    parked.notify('t', 1);
    assert.deepEqual(wakes, ['open']);
  });

  test('wakeAll answers every parked fetch at once, as final', () => {
    const parked = new ParkedFetches();
    const wakes: boolean[] = [];
    for (let i = 0; i < 20; i++) parked.park({}, [['t', i % 3]], 1000, (final) => wakes.push(final));
    parked.wakeAll();
    assert.equal(wakes.length, 20);
    assert.ok(wakes.every((final) => final));
    assert.equal(parked.size, 0);
  });

  test('on a partition nobody appends to, fetches end by their deadline, and a later append wakes only the one parked then', async () => {
    const parked = new ParkedFetches();
    const owner = {};
    let wakes = 0;
    for (let i = 0; i < 50; i++) {
      parked.park(owner, [['quiet', 0]], 1, () => wakes++);
      await sleep(3);
    }
    assert.equal(wakes, 50);
    assert.equal(parked.size, 0);
    // One more is woken by an append, once.
    parked.park(owner, [['quiet', 0]], 1000, () => wakes++);
    parked.notify('quiet', 0);
    assert.equal(wakes, 51);
  });
});
