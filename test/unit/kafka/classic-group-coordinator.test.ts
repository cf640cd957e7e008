// kafka > ClassicGroupCoordinator: Kafka's classic group protocol step by step, on a real
// GroupStore (SQLite in a temp dir): the two-step join (KIP-394), join phases that wait for every
// member or drop who does not rejoin in time, SyncGroup relaying the leader's assignment, heartbeat
// answers per state, static members (fencing, coming back without a rebalance), session timeouts,
// LeaveGroup, OffsetCommit's rules, and a group namespace shared with spool's own coordinator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { GroupCoordinator } from '../../../src/broker/group-coordinator.js';
import { GroupDirectory } from '../../../src/broker/group-directory.js';
import { ErrorCode } from '../../../src/common/error-codes.js';
import type { Logger } from '../../../src/common/logger.js';
import { ClassicGroupCoordinator, type JoinRequest } from '../../../src/kafka/groups/classic-group-coordinator.js';
import { decodeAssignment, decodeSubscription, encodeAssignment } from '../../../src/kafka/protocol/consumer-protocol.js';
import { WireWriter } from '../../../src/kafka/protocol/wire-writer.js';
import { openDatabase, type SqliteDatabase } from '../../../src/storage/database.js';
import { GroupStore } from '../../../src/storage/group-store.js';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** ConsumerProtocolSubscription v0 for `topics`. */
function subscription(topics: readonly string[]): Buffer {
  const w = new WireWriter();
  w.int16(0);
  w.arrayLength(topics.length);
  for (const t of topics) w.nullableString(t);
  w.nullableBytes(null);
  return Buffer.concat(w.finish());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kafka > ClassicGroupCoordinator', () => {
  let dir: string;
  let db: SqliteDatabase;
  const open: Array<{ close(): void }> = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'spool-cgc-'));
    db = openDatabase(join(dir, 'index.db'));
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function setup() {
    const directory = new GroupDirectory(new GroupStore(db));
    const kafka = new ClassicGroupCoordinator(directory, { partitionCount: () => 4 }, quiet);
    const spool = new GroupCoordinator(directory, { topics: () => [{ name: 't', partitions: 4 }] });
    open.push(kafka, spool);
    return { directory, kafka, spool };
  }

  function joinReq(group: string, memberId = '', overrides: Partial<JoinRequest> = {}): JoinRequest {
    return {
      groupId: group,
      memberId,
      groupInstanceId: null,
      requireKnownMemberId: false,
      clientId: 'client',
      clientHost: '/127.0.0.1',
      rebalanceTimeoutMs: 5000,
      sessionTimeoutMs: 10_000,
      protocolType: 'consumer',
      protocols: [
        { name: 'range', metadata: subscription(['t']) },
        { name: 'roundrobin', metadata: subscription(['t']) },
      ],
      reason: null,
      ...overrides,
    };
  }

  test('v4+: an unknown member is given an id (MEMBER_ID_REQUIRED), joins with it and leads generation 1', async () => {
    const { kafka, directory } = setup();
    const first = await kafka.join(joinReq('g1', '', { requireKnownMemberId: true }));
    assert.equal(first.errorCode, ErrorCode.MemberIdRequired);
    assert.match(first.memberId, /^client-[0-9a-f-]{36}$/);
    assert.equal(kafka.memberCount('g1'), 0, 'not a member yet');
    const joined = await kafka.join(joinReq('g1', first.memberId, { requireKnownMemberId: true }));
    assert.equal(joined.errorCode, ErrorCode.None);
    assert.equal(joined.generationId, 1);
    assert.equal(joined.leaderId, first.memberId);
    assert.equal(joined.protocolName, 'range', 'the protocol every member supports that most prefer');
    assert.deepEqual(joined.members.map((m) => m.memberId), [first.memberId]);
    assert.deepEqual(decodeSubscription(joined.members[0]!.metadata)?.topics, ['t']);
    assert.equal(kafka.group('g1')!.state, 'CompletingRebalance');
    assert.equal(directory.row('g1')!.generation, 1, 'the generation is stored');
    const sync = await kafka.sync({ groupId: 'g1', generationId: 1, memberId: first.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: new Map([[first.memberId, encodeAssignment([{ topic: 't', partition: 0 }])]]) });
    assert.equal(sync.errorCode, ErrorCode.None);
    assert.deepEqual(decodeAssignment(sync.assignment), [{ topic: 't', partition: 0 }]);
    assert.equal(kafka.group('g1')!.state, 'Stable');
    assert.deepEqual(directory.overview('g1')!.members[0]!.assignment, [{ topic: 't', partition: 0 }]);
  });

  test('a second member starts a rebalance: the first hears REBALANCE_IN_PROGRESS, rejoins, and followers wait for the leader’s SyncGroup', async () => {
    const { kafka } = setup();
    const a = await kafka.join(joinReq('g2'));
    await kafka.sync({ groupId: 'g2', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: new Map([[a.memberId, Buffer.alloc(0)]]) });
    const bJoin = kafka.join(joinReq('g2'));
    assert.equal(kafka.group('g2')!.state, 'PreparingRebalance');
    assert.equal(kafka.heartbeat({ groupId: 'g2', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }), ErrorCode.RebalanceInProgress);
    const aJoin = await kafka.join(joinReq('g2', a.memberId));
    const b = await bJoin;
    assert.equal(aJoin.generationId, a.generationId + 1);
    assert.equal(b.generationId, aJoin.generationId);
    assert.equal(aJoin.leaderId, a.memberId, 'the leader stays');
    assert.equal(aJoin.members.length, 2, 'the leader gets every subscription');
    assert.equal(b.members.length, 0, 'a follower gets none');
    // The follower's SyncGroup waits until the leader's arrives.
    let followerDone = false;
    const follower = kafka.sync({ groupId: 'g2', generationId: b.generationId, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: new Map() }).then((r) => {
      followerDone = true;
      return r;
    });
    await sleep(20);
    assert.equal(followerDone, false);
    const assignments = new Map([
      [a.memberId, encodeAssignment([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])],
      [b.memberId, encodeAssignment([{ topic: 't', partition: 2 }, { topic: 't', partition: 3 }])],
    ]);
    const leader = await kafka.sync({ groupId: 'g2', generationId: aJoin.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments });
    assert.deepEqual(decodeAssignment(leader.assignment), [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    assert.deepEqual(decodeAssignment((await follower).assignment), [{ topic: 't', partition: 2 }, { topic: 't', partition: 3 }]);
    assert.equal(kafka.heartbeat({ groupId: 'g2', generationId: aJoin.generationId, memberId: b.memberId, groupInstanceId: null }), ErrorCode.None);
    assert.equal(kafka.heartbeat({ groupId: 'g2', generationId: a.generationId, memberId: b.memberId, groupInstanceId: null }), ErrorCode.IllegalGeneration);
    assert.equal(kafka.heartbeat({ groupId: 'g2', generationId: aJoin.generationId, memberId: 'nobody', groupInstanceId: null }), ErrorCode.UnknownMemberId);
  });

  test('a member that does not rejoin within the rebalance timeout is dropped; the leader passes to one that did', async () => {
    const { kafka } = setup();
    const fast = { rebalanceTimeoutMs: 150 };
    const a = await kafka.join(joinReq('g3', '', fast));
    const bPending = kafka.join(joinReq('g3', '', fast));
    // a (the leader) never rejoins.
    const b = await bPending;
    assert.equal(b.errorCode, ErrorCode.None);
    assert.equal(b.leaderId, b.memberId);
    assert.equal(kafka.memberCount('g3'), 1);
    assert.equal(kafka.heartbeat({ groupId: 'g3', generationId: b.generationId, memberId: a.memberId, groupInstanceId: null }), ErrorCode.UnknownMemberId);
  });

  test('INCONSISTENT_GROUP_PROTOCOL: another protocol type, or no protocol in common', async () => {
    const { kafka } = setup();
    await kafka.join(joinReq('g4'));
    assert.equal((await kafka.join(joinReq('g4', '', { protocolType: 'connect' }))).errorCode, ErrorCode.InconsistentGroupProtocol);
    assert.equal((await kafka.join(joinReq('g4', '', { protocols: [{ name: 'sticky', metadata: subscription(['t']) }] }))).errorCode, ErrorCode.InconsistentGroupProtocol);
    assert.equal((await kafka.join(joinReq('g4', '', { sessionTimeoutMs: 10 }))).errorCode, ErrorCode.InvalidSessionTimeout);
    assert.equal((await kafka.join(joinReq(''))).errorCode, ErrorCode.InvalidGroupId);
  });

  test('a static member that comes back gets its assignment without a rebalance; the old incarnation is fenced', async () => {
    const { kafka } = setup();
    const stat = { groupInstanceId: 'instance-a' };
    const a = await kafka.join(joinReq('g5', '', stat));
    assert.match(a.memberId, /^instance-a-/);
    const mine = encodeAssignment([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }, { topic: 't', partition: 3 }]);
    await kafka.sync({ groupId: 'g5', generationId: a.generationId, memberId: a.memberId, groupInstanceId: 'instance-a', protocolType: null, protocolName: null, assignments: new Map([[a.memberId, mine]]) });
    const again = await kafka.join(joinReq('g5', '', stat));
    assert.equal(again.errorCode, ErrorCode.None);
    assert.notEqual(again.memberId, a.memberId);
    assert.equal(again.generationId, a.generationId, 'no new generation');
    assert.equal(again.leaderId, a.memberId, 'the old leader id, so that it does not assign');
    assert.equal(kafka.group('g5')!.state, 'Stable');
    const sync = await kafka.sync({ groupId: 'g5', generationId: again.generationId, memberId: again.memberId, groupInstanceId: 'instance-a', protocolType: null, protocolName: null, assignments: new Map() });
    assert.deepEqual(sync.assignment, mine, 'the assignment it had');
    assert.equal(kafka.heartbeat({ groupId: 'g5', generationId: a.generationId, memberId: a.memberId, groupInstanceId: 'instance-a' }), ErrorCode.FencedInstanceId);
    // An admin removes it by instance id (LeaveGroup v3+).
    const left = kafka.leave('g5', [{ memberId: '', groupInstanceId: 'instance-a', reason: 'admin' }, { memberId: 'ghost', groupInstanceId: null, reason: null }]);
    assert.deepEqual(left.members.map((m) => m.errorCode), [ErrorCode.None, ErrorCode.UnknownMemberId]);
    assert.equal(kafka.group('g5')!.state, 'Empty');
    assert.equal(kafka.group('g5')!.generationId, a.generationId + 1, 'the last member gone: a new, empty generation');
  });

  test('a member silent past its session timeout is removed and the group rebalances', async () => {
    const { kafka } = setup();
    const a = await kafka.join(joinReq('g6', '', { sessionTimeoutMs: 1000 }));
    await kafka.sync({ groupId: 'g6', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: new Map() });
    await sleep(600);
    assert.equal(kafka.heartbeat({ groupId: 'g6', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }), ErrorCode.None);
    await sleep(600);
    assert.equal(kafka.memberCount('g6'), 1, 'the heartbeat kept it');
    await sleep(600);
    assert.equal(kafka.memberCount('g6'), 0, 'then it fell silent past 1000 ms');
    assert.equal(kafka.group('g6')!.state, 'Empty');
  });

  test('OffsetCommit: a simple commit to an empty group; only members commit to a live one, at its generation and not while it completes a rebalance', async () => {
    const { kafka, directory } = setup();
    const offsets = [{ topic: 't', partition: 0, offset: 5, metadata: 'm' }];
    assert.equal(kafka.offsets.commit({ groupId: 'g7', generationId: -1, memberId: '', groupInstanceId: null }, offsets), ErrorCode.None);
    assert.deepEqual(directory.store.offsets('g7').map((o) => [o.offset, o.metadata]), [[5, 'm']]);
    assert.equal(kafka.offsets.commit({ groupId: 'g7-missing', generationId: 3, memberId: 'x', groupInstanceId: null }, offsets), ErrorCode.IllegalGeneration);
    const a = await kafka.join(joinReq('g7'));
    assert.equal(kafka.offsets.commit({ groupId: 'g7', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }, offsets), ErrorCode.RebalanceInProgress, 'CompletingRebalance');
    await kafka.sync({ groupId: 'g7', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: new Map() });
    assert.equal(kafka.offsets.commit({ groupId: 'g7', generationId: -1, memberId: '', groupInstanceId: null }, offsets), ErrorCode.UnknownMemberId);
    assert.equal(kafka.offsets.commit({ groupId: 'g7', generationId: a.generationId - 1, memberId: a.memberId, groupInstanceId: null }, offsets), ErrorCode.IllegalGeneration);
    assert.equal(kafka.offsets.commit({ groupId: 'g7', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }, [{ topic: 't', partition: 0, offset: 9 }]), ErrorCode.None);
    assert.equal(directory.store.offsets('g7')[0]!.offset, 9);
    // OffsetDelete refuses what a live member subscribes to.
    assert.deepEqual(kafka.offsets.delete('g7', [{ topic: 't', partition: 0 }]).results.map((r) => r.errorCode), [ErrorCode.GroupSubscribedToTopic]);
    assert.equal(kafka.leave('g7', [{ memberId: a.memberId, groupInstanceId: null, reason: null }]).members[0]!.errorCode, ErrorCode.None);
    assert.deepEqual(kafka.offsets.delete('g7', [{ topic: 't', partition: 0 }]).results.map((r) => r.errorCode), [ErrorCode.None]);
    assert.deepEqual(directory.store.offsets('g7'), []);
    assert.equal(kafka.offsets.delete('never-was', []).errorCode, ErrorCode.GroupIdNotFound);
  });

  test('one namespace with spool’s coordinator: each protocol is refused while the other has members, and takes an idle group over', async () => {
    const { kafka, spool, directory } = setup();
    const closers: Array<() => void> = [];
    const member = spool.join({ group: 'both', topics: ['t'], clientId: 'spool', pid: 1, host: 'h', sessionTimeoutMs: 30_000 }, (cb) => closers.push(cb));
    const refused = await kafka.join(joinReq('both'));
    assert.equal(refused.errorCode, ErrorCode.InconsistentGroupProtocol);
    assert.equal(kafka.offsets.commit({ groupId: 'both', generationId: -1, memberId: '', groupInstanceId: null }, [{ topic: 't', partition: 0, offset: 1 }]), ErrorCode.UnknownMemberId);
    spool.leave('both', member.memberId);
    const generation = directory.row('both')!.generation;
    const a = await kafka.join(joinReq('both'));
    assert.equal(a.errorCode, ErrorCode.None);
    assert.equal(a.generationId, generation + 1, 'the generation goes on across protocols');
    assert.equal(directory.row('both')!.protocol, 'kafka');
    assert.throws(
      () => spool.join({ group: 'both', topics: ['t'], clientId: 'spool', pid: 1, host: 'h', sessionTimeoutMs: 30_000 }, () => undefined),
      (err: Error & { code?: number }) => err.code === ErrorCode.InconsistentGroupProtocol && /in use by Kafka clients \(1 member\)/.test(err.message),
    );
    assert.throws(() => directory.delete('both'), (err: Error & { code?: number }) => err.code === ErrorCode.NonEmptyGroup);
  });

  test('the consumer protocol: assignments round-trip, and bytes that are not one decode to null', () => {
    const parts = [{ topic: 'a', partition: 2 }, { topic: 'a', partition: 0 }, { topic: 'b', partition: 1 }];
    assert.deepEqual(decodeAssignment(encodeAssignment(parts)), parts);
    assert.deepEqual(decodeAssignment(Buffer.alloc(0)), []);
    assert.equal(decodeAssignment(Buffer.from([0, 0, 0, 0, 0, 9])), null);
    assert.deepEqual(decodeSubscription(subscription(['x', 'y']))?.topics, ['x', 'y']);
    assert.equal(decodeSubscription(Buffer.from('not a subscription')), null);
  });
});
