// e2e: consumer group membership with real processes (SPEC §3 consume -g, §5): members are
// `spool consume T -g G` children, the group is observed with `spool group describe G --json`.
// Balanced assignment, rebalance on join, a clean exit (SIGTERM) that repeats nothing, kill -9
// and a frozen member (SIGSTOP past its session timeout) that lose nothing, and committed
// offsets that outlive broker restarts. Timings are checked as generous upper bounds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  caughtUp,
  countValues,
  describeGroup,
  listGroups,
  printedRecords,
  produceKeyed,
  settledAs,
  startMember,
  stopMember,
  values,
  waitForGroup,
  WAIT_MS,
} from '../helpers/group-helpers.js';
import { stopBroker } from '../helpers/spool-broker.js';
import { assertExit, assertNoStackTrace, type SpoolProcess } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const SESSION_TIMEOUT_MS = 3000;
/** The "within 1 s" for a clean leave, with slack for polling a CLI and a busy machine. */
const CLEAN_HANDOVER_MAX_MS = 3000;
/** The "within session timeout + 2 s", with the same slack. */
const TIMEOUT_HANDOVER_MAX_MS = SESSION_TIMEOUT_MS + 4000;
/** Enough that the first member is still busy writing when the others join. */
const RUSH_RECORDS = 200_000;

describe('e2e > consumer groups > membership', () => {
  let sandbox: SpoolSandbox;
  const members: SpoolProcess[] = [];

  function member(topic: string, group: string, args: readonly string[] = []): SpoolProcess {
    const started = startMember(sandbox, topic, group, args);
    members.push(started);
    return started;
  }

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    for (const m of members) m.kill('SIGKILL');
    await sandbox.cleanup();
  });

  test('3 members share 6 partitions 2/2/2, a 4th makes it 2/2/1/1, a clean exit hands over within 1 s and nothing repeats', async (t) => {
    assertExit(await sandbox.run(['topic', 'create', 'work', '-p', '6']), 0);
    // Members join one at a time, each after the previous rebalance settled (the test below
    // has members joining at the same moment).
    const first: SpoolProcess[] = [];
    for (const sizes of [[6], [3, 3], [2, 2, 2]]) {
      first.push(member('work', 'workers'));
      await waitForGroup(sandbox, 'workers', settledAs(first.map((m) => m.pid), sizes), `${first.length} member(s) with ${sizes.join('/')}`);
    }
    await produceKeyed(sandbox, 'work', values('a', 0, 300));
    await waitForGroup(sandbox, 'workers', caughtUp, 'lag 0 after the first 300 records');

    const fourth = member('work', 'workers');
    const all = [...first, fourth];
    const { description } = await waitForGroup(sandbox, 'workers', settledAs(all.map((m) => m.pid), [1, 1, 2, 2]), 'a 4th member and 2/2/1/1');
    assert.equal(new Set(description.partitions.map((p) => p.pid)).size, 4, 'every member owns a partition');
    assert.deepEqual(description.partitions.map((p) => p.partition), [0, 1, 2, 3, 4, 5]);
    await produceKeyed(sandbox, 'work', values('b', 0, 300));
    await waitForGroup(sandbox, 'workers', caughtUp, 'lag 0 after 600 records');

    await produceKeyed(sandbox, 'work', values('c', 0, 300));
    // The member leaving owns 2 partitions, so both must move to members that own 1.
    const leaving = all.find((m) => description.members.find((d) => d.pid === m.pid)!.assignment.length === 2)!;
    const staying = all.filter((m) => m !== leaving);
    const sentMs = Date.now();
    leaving.kill('SIGTERM');
    const moved = await waitForGroup(sandbox, 'workers', settledAs(staying.map((m) => m.pid), [2, 2, 2]), 'the leaver’s partitions to move', { sinceMs: sentMs });
    t.diagnostic(`partitions moved ${moved.elapsedMs} ms after SIGTERM`);
    assert.ok(moved.elapsedMs < CLEAN_HANDOVER_MAX_MS, `partitions moved ${moved.elapsedMs} ms after SIGTERM`);
    assertExit(await leaving.finish(WAIT_MS), 0, 'the member stopped with SIGTERM');

    await produceKeyed(sandbox, 'work', values('d', 0, 300));
    await waitForGroup(sandbox, 'workers', caughtUp, 'lag 0 after all 1200 records');
    for (const m of staying) await stopMember(m);

    const counts = countValues(all);
    const expected = ['a', 'b', 'c', 'd'].flatMap((prefix) => values(prefix, 0, 300));
    const missing = expected.filter((v) => !counts.has(v));
    const repeated = [...counts].filter(([, n]) => n > 1).map(([v]) => v);
    assert.deepEqual(missing, [], 'every record was printed');
    assert.deepEqual(repeated, [], 'no record was printed twice across members');
    assert.equal(counts.size, expected.length);
    for (const m of all) assertNoStackTrace(m.stderr);

    const listed = (await listGroups(sandbox)).find((g) => g.group === 'workers');
    assert.deepEqual(listed, { group: 'workers', state: 'empty', members: 0, topics: ['work'], lag: 0 });
    const text = await sandbox.run(['group', 'list']);
    assertExit(text, 0);
    assert.match(text.stdout.toString('utf8'), /^workers\s+empty\s+0\s+work\s+0$/m);
  });

  test(
    'members started at the same moment on a busy topic print no record twice',
    async () => {
      assertExit(await sandbox.run(['topic', 'create', 'rush', '-p', '6']), 0);
      const input = Array.from({ length: RUSH_RECORDS }, (_, i) => `key-${i}:r${i}\n`).join('');
      assertExit(await sandbox.run(['produce', 'rush', '-K:', '--quiet'], { input }), 0);
      const rush = [member('rush', 'rushers'), member('rush', 'rushers'), member('rush', 'rushers')];
      await waitForGroup(sandbox, 'rushers', (d) => caughtUp(d) && d.state === 'stable', 'the rushers to catch up');
      for (const m of rush) await stopMember(m);
      const counts = countValues(rush);
      assert.equal(counts.size, RUSH_RECORDS, 'every record was printed');
      const repeated = [...counts].filter(([, n]) => n > 1).length;
      assert.equal(repeated, 0, `${repeated} records were printed more than once`);
    },
  );

  test('a member killed with kill -9 loses its partitions to the others and every record is printed at least once', async (t) => {
    assertExit(await sandbox.run(['topic', 'create', 'crashy', '-p', '4']), 0);
    const args = ['--session-timeout-ms', String(SESSION_TIMEOUT_MS), '--commit-interval-ms', '200'];
    const a = member('crashy', 'crashers', args);
    const b = member('crashy', 'crashers', args);
    await waitForGroup(sandbox, 'crashers', settledAs([a.pid, b.pid], [2, 2]), '2 members with 2 partitions each');
    await produceKeyed(sandbox, 'crashy', values('x', 0, 400));
    await a.waitFor((p) => p.stdoutLineCount > 0, 'the victim printing records');

    const killedMs = Date.now();
    a.kill('SIGKILL');
    const moved = await waitForGroup(sandbox, 'crashers', settledAs([b.pid], [4]), 'the killed member’s partitions to move', { sinceMs: killedMs });
    t.diagnostic(`partitions moved ${moved.elapsedMs} ms after kill -9`);
    assert.ok(moved.elapsedMs < TIMEOUT_HANDOVER_MAX_MS, `partitions moved ${moved.elapsedMs} ms after kill -9`);

    await produceKeyed(sandbox, 'crashy', values('y', 0, 200));
    await waitForGroup(sandbox, 'crashers', caughtUp, 'lag 0 on the survivor');
    await stopMember(b);
    const counts = countValues([a, b]);
    const missing = [...values('x', 0, 400), ...values('y', 0, 200)].filter((v) => !counts.has(v));
    assert.deepEqual(missing, [], 'every record was printed at least once');
  });

  test('a frozen member (SIGSTOP) is removed after its session timeout and its partitions move on', async (t) => {
    assertExit(await sandbox.run(['topic', 'create', 'frozen', '-p', '2']), 0);
    const args = ['--session-timeout-ms', String(SESSION_TIMEOUT_MS)];
    const a = member('frozen', 'freezers', args);
    const b = member('frozen', 'freezers', args);
    await waitForGroup(sandbox, 'freezers', settledAs([a.pid, b.pid], [1, 1]), '2 members with 1 partition each');
    await produceKeyed(sandbox, 'frozen', values('f', 0, 100));
    await waitForGroup(sandbox, 'freezers', caughtUp, 'lag 0 before the freeze');

    const stoppedMs = Date.now();
    a.kill('SIGSTOP');
    try {
      await produceKeyed(sandbox, 'frozen', values('g', 0, 100));
      const moved = await waitForGroup(sandbox, 'freezers', settledAs([b.pid], [2]), 'the frozen member’s partition to move', { sinceMs: stoppedMs });
      t.diagnostic(`partition moved ${moved.elapsedMs} ms after SIGSTOP`);
      assert.ok(moved.elapsedMs < TIMEOUT_HANDOVER_MAX_MS, `partition moved ${moved.elapsedMs} ms after SIGSTOP`);
      await waitForGroup(sandbox, 'freezers', caughtUp, 'lag 0 on the survivor');
    } finally {
      a.kill('SIGKILL');
    }
    await stopMember(b);
    const counts = countValues([a, b]);
    const missing = [...values('f', 0, 100), ...values('g', 0, 100)].filter((v) => !counts.has(v));
    assert.deepEqual(missing, [], 'every record was printed at least once');
  });

  test('a frozen member that wakes up after the group dropped it joins again and loses nothing', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'thawed', '-p', '2']), 0);
    const args = ['--session-timeout-ms', String(SESSION_TIMEOUT_MS), '--commit-interval-ms', '200'];
    const a = member('thawed', 'thawers', args);
    const b = member('thawed', 'thawers', args);
    await waitForGroup(sandbox, 'thawers', settledAs([a.pid, b.pid], [1, 1]), '2 members with 1 partition each');
    await produceKeyed(sandbox, 'thawed', values('t', 0, 100));
    await waitForGroup(sandbox, 'thawers', caughtUp, 'lag 0 before the freeze');
    a.kill('SIGSTOP');
    try {
      await waitForGroup(sandbox, 'thawers', settledAs([b.pid], [2]), 'the frozen member to be dropped');
    } finally {
      a.kill('SIGCONT');
    }
    await a.waitFor((p) => p.stderr.includes('joining group "thawers" again'), 'the woken member to say it joins again');
    await waitForGroup(sandbox, 'thawers', settledAs([a.pid, b.pid], [1, 1]), 'both members again, 1/1');
    await produceKeyed(sandbox, 'thawed', values('u', 0, 100));
    await waitForGroup(sandbox, 'thawers', caughtUp, 'lag 0 after the thaw');
    await stopMember(a);
    await stopMember(b);
    const counts = countValues([a, b]);
    const missing = [...values('t', 0, 100), ...values('u', 0, 100)].filter((v) => !counts.has(v));
    assert.deepEqual(missing, [], 'every record was printed at least once');
    assertNoStackTrace(a.stderr);
  });

  test('a glob subscription reads every matching topic, and one created later too', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'glob.a', '-p', '2']), 0);
    assertExit(await sandbox.run(['topic', 'create', 'other']), 0);
    await produceKeyed(sandbox, 'glob.a', values('a', 0, 20));
    await produceKeyed(sandbox, 'other', values('o', 0, 5));
    const globber = member("glob.*", 'globbers', ['--commit-interval-ms', '200']);
    await waitForGroup(sandbox, 'globbers', (d) => caughtUp(d) && d.partitions.length === 2, 'the 2 partitions of glob.a read');
    assertExit(await sandbox.run(['topic', 'create', 'glob.b']), 0);
    await produceKeyed(sandbox, 'glob.b', values('b', 0, 10));
    const { description } = await waitForGroup(sandbox, 'globbers', (d) => caughtUp(d) && d.partitions.length === 3, 'glob.b picked up');
    assert.deepEqual([...new Set(description.partitions.map((p) => p.topic))].sort(), ['glob.a', 'glob.b']);
    await stopMember(globber);
    assert.deepEqual(printedRecords(globber).map((r) => r.value).sort(), [...values('a', 0, 20), ...values('b', 0, 10)].sort(), 'each matching record once, none of "other"');
  });

  test('committed offsets survive a broker stop and a kill -9 of the broker; members resume after them', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'durable', '-p', '3']), 0);
    await produceKeyed(sandbox, 'durable', values('d', 0, 150));
    const first = member('durable', 'keepers', ['--commit-interval-ms', '200']);
    const { description: before } = await waitForGroup(sandbox, 'keepers', caughtUp, 'the first member to commit all 150');
    const committed = (d: typeof before) => d.partitions.map((p) => [p.partition, p.committedOffset]);

    // A graceful stop with the member attached: it waits for the broker, which comes back with
    // the commits and an empty group; the member joins again and reads only what is new.
    await stopBroker(sandbox.broker!);
    await first.waitFor((p) => p.stderr.includes('spool: lost the broker'), 'the member to notice the lost broker');
    await sandbox.startBroker();
    await first.waitFor((p) => p.stderr.includes('spool: the broker is back'), 'the member to reconnect');
    const { description: rejoined } = await waitForGroup(sandbox, 'keepers', settledAs([first.pid], [3]), 'the member to join again');
    assert.deepEqual(committed(rejoined), committed(before));
    await produceKeyed(sandbox, 'durable', values('e', 0, 60));
    const { description: caught } = await waitForGroup(sandbox, 'keepers', caughtUp, 'the member to read the new records');
    await stopMember(first);
    assert.deepEqual(printedRecords(first).map((r) => r.value).sort(), [...values('d', 0, 150), ...values('e', 0, 60)].sort(), 'each record once');
    assertNoStackTrace(first.stderr);
    assert.equal((await listGroups(sandbox)).find((g) => g.group === 'keepers')?.state, 'empty');

    await sandbox.killBroker();
    await sandbox.startBroker();
    const afterKill = await describeGroup(sandbox, 'keepers');
    assert.deepEqual(committed(afterKill), committed(caught));
    const second = await sandbox.run(['consume', 'durable', '-g', 'keepers', '-e']);
    assertExit(second, 0, 'a member after kill -9 of the broker');
    assert.equal(second.stdout.length, 0, 'nothing committed is read again');
  });

  test('a member attached through a kill -9 of the broker goes on after it, losing nothing', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'broker-crash', '-p', '2']), 0);
    await produceKeyed(sandbox, 'broker-crash', values('h', 0, 100));
    const attached = member('broker-crash', 'survivors', ['--commit-interval-ms', '200']);
    await waitForGroup(sandbox, 'survivors', caughtUp, 'the member to commit all 100');
    await sandbox.killBroker();
    await attached.waitFor((p) => p.stderr.includes('spool: lost the broker'), 'the member to notice the lost broker');
    await sandbox.startBroker();
    await produceKeyed(sandbox, 'broker-crash', values('i', 0, 100));
    await waitForGroup(sandbox, 'survivors', (d) => caughtUp(d) && d.members.length === 1, 'the member to join again and catch up');
    await stopMember(attached);
    const counts = countValues([attached]);
    const missing = [...values('h', 0, 100), ...values('i', 0, 100)].filter((v) => !counts.has(v));
    assert.deepEqual(missing, [], 'every record was printed');
    assert.deepEqual([...counts.values()].filter((n) => n > 1), [], 'nothing committed before the crash was printed again');
  });
});
