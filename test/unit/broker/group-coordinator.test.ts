import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupDirectory } from '../../../src/broker/group-directory.js';
import { GroupCoordinator } from '../../../src/broker/group-coordinator.js';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { SpoolError } from '../../../src/common/errors.js';
import { openDatabase, type SqliteDatabase } from '../../../src/storage/database.js';
import { GroupStore } from '../../../src/storage/group-store.js';

describe('broker > GroupCoordinator', () => {
  let dir: string;
  let db: SqliteDatabase;
  const coordinators: GroupCoordinator[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'spool-gc-'));
    db = openDatabase(join(dir, 'index.db'));
  });
  after(() => {
    for (const c of coordinators) c.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const directories = new Map<GroupCoordinator, GroupDirectory>();

  function coordinator(partitions = 6): GroupCoordinator {
    const directory = new GroupDirectory(new GroupStore(db));
    const c = new GroupCoordinator(directory, { topics: () => [{ name: 't', partitions }] });
    coordinators.push(c);
    directories.set(c, directory);
    return c;
  }

  const join_ = (c: GroupCoordinator, group: string, closers: Array<() => void> = []) =>
    c.join({ group, topics: ['t'], clientId: 'test', pid: 1, host: 'h', sessionTimeoutMs: 30000 }, (cb) => closers.push(cb));

  function codeOf(fn: () => unknown): number | undefined {
    try {
      fn();
    } catch (err) {
      return err instanceof SpoolError ? err.code : undefined;
    }
    return undefined;
  }

  test('refuses a commit from a stale generation and accepts the current one', async () => {
    const c = coordinator();
    const a = join_(c, 'stale');
    await c.heartbeat({ group: 'stale', memberId: a.memberId, memberEpoch: a.memberEpoch, owned: a.assignment, waitMs: 0 });
    const b = join_(c, 'stale');
    // a's target shrank: its epoch moved on, so a commit under the old one is refused.
    const hb = await c.heartbeat({ group: 'stale', memberId: a.memberId, memberEpoch: a.memberEpoch, owned: a.assignment, waitMs: 0 });
    assert.ok(hb.memberEpoch > a.memberEpoch);
    const offsets = [{ topic: 't', partition: a.assignment[0]!.partition, offset: 5 }];
    assert.equal(codeOf(() => c.commit('stale', a.memberId, a.memberEpoch, offsets)), ErrorCode.IllegalGeneration);
    c.commit('stale', a.memberId, hb.memberEpoch, offsets);
    assert.equal(c.committed('stale').get(`t\u00000`) ?? c.committed('stale').get(`t\u0000${offsets[0]!.partition}`), 5);
    assert.ok(b.memberId !== a.memberId);
  });

  test('refuses commits from a member that left and for partitions it does not own', async () => {
    const c = coordinator();
    const a = join_(c, 'gone');
    const b = join_(c, 'gone');
    const hb = await c.heartbeat({ group: 'gone', memberId: a.memberId, memberEpoch: a.memberEpoch, owned: [], waitMs: 0 });
    const notMine = [0, 1, 2, 3, 4, 5].find((p) => !hb.assignment.some((tp) => tp.partition === p))!;
    assert.equal(codeOf(() => c.commit('gone', a.memberId, hb.memberEpoch, [{ topic: 't', partition: notMine, offset: 1 }])), ErrorCode.IllegalGeneration);
    c.leave('gone', b.memberId);
    assert.equal(codeOf(() => c.commit('gone', b.memberId, b.memberEpoch, [{ topic: 't', partition: 0, offset: 1 }])), ErrorCode.UnknownMemberId);
  });

  test('hands a partition to its new owner only after the old owner releases it', async () => {
    const c = coordinator(2);
    const a = join_(c, 'handover');
    assert.equal(a.assignment.length, 2);
    await c.heartbeat({ group: 'handover', memberId: a.memberId, memberEpoch: a.memberEpoch, owned: a.assignment, waitMs: 0 });
    const b = join_(c, 'handover');
    assert.equal(b.assignment.length, 0, 'a still owns both');
    assert.equal(c.group('handover')!.state.kind, 'rebalancing');
    const parked = c.heartbeat({ group: 'handover', memberId: b.memberId, memberEpoch: b.memberEpoch, owned: [], waitMs: 2000 });
    const aNext = await c.heartbeat({ group: 'handover', memberId: a.memberId, memberEpoch: a.memberEpoch, owned: a.assignment, waitMs: 0 });
    assert.equal(aNext.assignment.length, 1);
    await c.heartbeat({ group: 'handover', memberId: a.memberId, memberEpoch: aNext.memberEpoch, owned: aNext.assignment, waitMs: 0 });
    const bNext = await parked;
    assert.equal(bNext.assignment.length, 1, 'released partition reaches b through its parked heartbeat');
    assert.notEqual(bNext.assignment[0]!.partition, aNext.assignment[0]!.partition);
    await c.heartbeat({ group: 'handover', memberId: b.memberId, memberEpoch: bNext.memberEpoch, owned: bNext.assignment, waitMs: 0 });
    assert.equal(c.group('handover')!.state.kind, 'stable');
  });

  test('a closed connection removes its member; the group is empty when the last one goes', () => {
    const c = coordinator();
    const closers: Array<() => void> = [];
    join_(c, 'closing', closers);
    assert.equal(c.group('closing')!.members.size, 1);
    for (const close of closers) close();
    assert.equal(c.group('closing')!.members.size, 0);
    assert.equal(c.group('closing')!.state.kind, 'empty');
  });

  test('the generation and the offsets survive a new coordinator on the same database', () => {
    const c = coordinator();
    const a = join_(c, 'durable');
    c.commit('durable', a.memberId, a.memberEpoch, [{ topic: 't', partition: a.assignment[0]!.partition, offset: 42 }]);
    const generation = c.group('durable')!.generation;
    c.leave('durable', a.memberId);
    const again = coordinator();
    assert.equal(again.group('durable')!.generation, generation + 1);
    assert.equal([...again.committed('durable').values()][0], 42);
  });

  test('delete and reset are refused while the group has members', () => {
    const c = coordinator();
    const a = join_(c, 'busy');
    const directory = directories.get(c)!;
    assert.equal(codeOf(() => directory.delete('busy')), ErrorCode.NonEmptyGroup);
    assert.equal(codeOf(() => directory.setOffsets('busy', [{ topic: 't', partition: 0, offset: 0 }])), ErrorCode.NonEmptyGroup);
    c.leave('busy', a.memberId);
    directory.delete('busy');
    assert.equal(c.group('busy'), undefined);
  });
});
