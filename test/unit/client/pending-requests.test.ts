// PendingRequests: a connection's unanswered requests by id, answered in any order, in a table
// that keeps its slots (no Map churn) and grows only when ids collide.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PendingRequests } from '../../../src/client/pending-requests.js';

describe('client > PendingRequests', () => {
  test('answers taken in any order, each once; unknown and repeated ids find nothing', () => {
    const pending = new PendingRequests<string>(8);
    for (let id = 1; id <= 5; id++) pending.add(id, `r${id}`);
    assert.equal(pending.size, 5);
    assert.equal(pending.take(3), 'r3');
    assert.equal(pending.take(3), undefined);
    assert.equal(pending.take(1), 'r1');
    assert.equal(pending.take(9), undefined, 'same slot as 1, another id');
    assert.equal(pending.take(0), undefined);
    assert.equal(pending.take(-5), undefined);
    assert.equal(pending.size, 3);
    assert.deepEqual([pending.take(5), pending.take(2), pending.take(4)], ['r5', 'r2', 'r4']);
    assert.equal(pending.size, 0);
  });

  test('ids going round the table reuse its slots: it does not grow while answers keep up', () => {
    const pending = new PendingRequests<number>(8);
    pending.add(1, 1);
    for (let id = 2; id < 10_000; id++) {
      pending.add(id, id);
      assert.equal(pending.take(id - 1), id - 1);
    }
    assert.equal(pending.capacity, 8);
    assert.equal(pending.size, 1);
  });

  test('a request left unanswered while later ids wrap onto its slot makes the table grow, and keeps its answer', () => {
    const pending = new PendingRequests<string>(4);
    pending.add(1, 'parked fetch');
    for (let id = 2; id <= 40; id++) {
      pending.add(id, `r${id}`);
      assert.equal(pending.take(id), `r${id}`);
    }
    assert.ok(pending.capacity > 4, `capacity ${pending.capacity}`);
    assert.equal(pending.take(1), 'parked fetch');
    assert.equal(pending.size, 0);
  });

  test('growing past more than one doubling when many waiting ids share low bits', () => {
    const pending = new PendingRequests<number>(4);
    const ids = [1, 5, 9, 13, 17, 33, 65];
    for (const id of ids) pending.add(id, id * 10);
    assert.equal(pending.size, ids.length);
    for (const id of ids.reverse()) assert.equal(pending.take(id), id * 10);
  });

  test('takeAll hands over every waiter once and leaves the table empty and usable', () => {
    const pending = new PendingRequests<string>(8);
    pending.add(7, 'a');
    pending.add(8, 'b');
    pending.add(0x7fffffff, 'last id');
    assert.deepEqual(pending.takeAll().sort(), ['a', 'b', 'last id']);
    assert.equal(pending.size, 0);
    assert.deepEqual(pending.takeAll(), []);
    pending.add(7, 'again');
    assert.equal(pending.take(7), 'again');
  });

  test('a table size that is not a power of two is refused', () => {
    assert.throws(() => new PendingRequests(48), /power of two/);
  });
});
