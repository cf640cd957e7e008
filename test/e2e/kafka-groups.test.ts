// e2e: Kafka consumer groups (classic protocol) against spool's Kafka listener, with real
// clients: confluent-kafka (librdkafka) processes, kcat's balanced consumer, kafkajs and
// @platformatic/kafka. Members share partitions, hand them over on a clean leave, after a
// kill -9 (session timeout) and not at all when a static member comes back in time; commits
// are the same store `spool consume -g` uses, and survive a broker restart. `spool group`
// lists, describes, resets and deletes Kafka groups under its own rules.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AssignerProtocol, Kafka, logLevel, type Consumer as KafkaJsConsumer } from 'kafkajs';
import { Consumer as PlatformaticConsumer, stringDeserializers } from '@platformatic/kafka';
import { caughtUp, describeGroup, listGroups, produceKeyed, values, waitForGroup, WAIT_MS, type GroupDescription } from '../helpers/group-helpers.js';
import { haveKcat, havePythonKafka, KAFKA_CLIENT_SCRIPTS, kafkaSandbox } from '../helpers/kafka-clients.js';
import { pythonAssignment, pythonEvents, pythonRecords, startPythonMember } from '../helpers/kafka-group-members.js';
import { assertExit, assertOneErrorLine, stdoutLines, SpoolProcess } from '../helpers/spool-cli.js';
import type { SpoolSandbox } from '../helpers/spool-sandbox.js';


const SESSION_TIMEOUT_MS = 6000;

/** Stable with `sizes` partitions per member (in any order), every partition owned. */
function stableAs(sizes: readonly number[]): (d: GroupDescription) => boolean {
  const want = [...sizes].sort((a, b) => a - b).join(',');
  return (d) =>
    d.state === 'stable' &&
    d.members.map((m) => m.assignment.length).sort((a, b) => a - b).join(',') === want &&
    d.partitions.every((p) => p.memberId !== null);
}

function ownersOf(d: GroupDescription): Map<number, string> {
  return new Map(d.partitions.map((p) => [p.partition, p.memberId!]));
}

async function until(ready: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('e2e > kafka > consumer groups', () => {
  let sandbox: SpoolSandbox;
  let bootstrap: string;
  const members: SpoolProcess[] = [];
  const kafkajsConsumers: KafkaJsConsumer[] = [];
  let kafka: Kafka;

  before(async () => {
    ({ sandbox, bootstrap } = await kafkaSandbox());
    kafka = new Kafka({ brokers: [bootstrap], clientId: 'kafkajs-e2e', logLevel: logLevel.NOTHING });
  });

  after(async () => {
    for (const c of kafkajsConsumers) await c.disconnect().catch(() => undefined);
    for (const m of members) m.kill('SIGKILL');
    await sandbox.cleanup();
  });

  function python(topic: string, group: string, props: readonly string[] = []): SpoolProcess {
    const member = startPythonMember(bootstrap, topic, group, props);
    members.push(member);
    return member;
  }

  test('three confluent-kafka members share 6 partitions; a leave and a kill -9 move partitions; every record at least once, committed ones never again', { skip: !havePythonKafka() }, async (t) => {
    assertExit(await sandbox.run(['topic', 'create', 'orders', '-p', '6']), 0);
    await produceKeyed(sandbox, 'orders', values('a', 0, 300));
    const trio = [python('orders', 'billing'), python('orders', 'billing'), python('orders', 'billing')];
    const shared = await waitForGroup(sandbox, 'billing', (d) => stableAs([2, 2, 2])(d) && caughtUp(d), '3 members with 2 partitions each, caught up');
    assert.equal(new Set(shared.description.partitions.map((p) => p.memberId)).size, 3, 'each member owns partitions of its own');
    for (const m of shared.description.members) {
      assert.equal(m.pid, null, 'a Kafka client has no pid');
      assert.equal(m.clientId, 'rdkafka');
      assert.equal(m.host, '127.0.0.1');
    }
    // Each member printed what it was assigned, and no partition is assigned to two members.
    await until(() => trio.every((m) => pythonAssignment(m).length === 2), 'each member to report its 2 partitions');
    assert.deepEqual(trio.flatMap(pythonAssignment).sort(), [0, 1, 2, 3, 4, 5]);

    await produceKeyed(sandbox, 'orders', values('b', 0, 300));
    await waitForGroup(sandbox, 'billing', caughtUp, 'lag 0 after 600 records');

    const [leaver, victim, survivor] = trio as [SpoolProcess, SpoolProcess, SpoolProcess];
    const sentMs = Date.now();
    leaver.kill('SIGTERM');
    assertExit(await leaver.finish(WAIT_MS), 0, 'a member stopped with SIGTERM');
    assert.ok(pythonEvents(leaver).some((e) => e.closed === true));
    const afterLeave = await waitForGroup(sandbox, 'billing', stableAs([3, 3]), 'the leaver’s partitions to move', { sinceMs: sentMs });
    t.diagnostic(`partitions moved ${afterLeave.elapsedMs} ms after SIGTERM`);
    assert.ok(afterLeave.elapsedMs < SESSION_TIMEOUT_MS, 'a clean leave does not wait for the session timeout');

    await produceKeyed(sandbox, 'orders', values('c', 0, 300));
    await waitForGroup(sandbox, 'billing', caughtUp, 'lag 0 after 900 records');
    const victimPartitions = pythonAssignment(victim);
    const killedMs = Date.now();
    victim.kill('SIGKILL');
    await victim.exited;
    await produceKeyed(sandbox, 'orders', values('d', 0, 300));
    const afterKill = await waitForGroup(sandbox, 'billing', (d) => stableAs([6])(d) && caughtUp(d), 'the killed member’s partitions to move', { sinceMs: killedMs });
    t.diagnostic(`partitions moved ${afterKill.elapsedMs} ms after kill -9 (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    assert.ok(afterKill.elapsedMs >= SESSION_TIMEOUT_MS - 1000, 'a killed member is noticed by its session timeout');

    // Every record was delivered; a record came twice only if the killed member printed it and
    // died before its commit: at most one per partition it owned.
    const seen = new Map<string, number>();
    for (const m of trio) for (const r of pythonRecords(m)) seen.set(r.value!, (seen.get(r.value!) ?? 0) + 1);
    for (const v of [...values('a', 0, 300), ...values('b', 0, 300), ...values('c', 0, 300), ...values('d', 0, 300)]) assert.ok(seen.has(v), `record ${v} was delivered`);
    const twice = [...seen].filter(([, n]) => n > 1).map(([v]) => v);
    assert.ok(twice.length <= victimPartitions.length, `at most one repeat per partition of the killed member, got ${twice.join(' ')}`);
    const survivorRecords = pythonRecords(survivor);
    for (const v of twice) {
      assert.ok(pythonRecords(victim).some((r) => r.value === v) && survivorRecords.some((r) => r.value === v), `${v} repeated only across the kill`);
    }
    survivor.kill('SIGTERM');
    assertExit(await survivor.finish(WAIT_MS), 0);
    const empty = await describeGroup(sandbox, 'billing');
    assert.equal(empty.state, 'empty');
    assert.ok(empty.partitions.every((p) => p.lag === 0 && p.committedOffset === p.logEndOffset), 'everything committed');
  });

  test('a static member that restarts within its session timeout gets its partitions back without a rebalance', { skip: !havePythonKafka() }, async () => {
    assertExit(await sandbox.run(['topic', 'create', 'static-t', '-p', '4']), 0);
    const props = (id: string) => [`group.instance.id=${id}`, 'session.timeout.ms=20000'];
    const a = python('static-t', 'statics', props('a'));
    const b = python('static-t', 'statics', props('b'));
    const settled = (await waitForGroup(sandbox, 'statics', stableAs([2, 2]), '2 static members')).description;
    await until(() => pythonAssignment(a).length === 2 && pythonAssignment(b).length === 2, 'both to report their partitions');
    const before = pythonAssignment(a);
    // b may have given partitions up while both first joined; from here on it must keep them.
    const bEventsSettled = pythonEvents(b).length;
    a.kill('SIGKILL');
    await a.exited;
    const again = python('static-t', 'statics', props('a'));
    await until(() => pythonAssignment(again).length === 2, 'the restarted member to get its partitions');
    assert.deepEqual(pythonAssignment(again), before, 'the same partitions as before the restart');
    const now = await describeGroup(sandbox, 'statics');
    assert.equal(now.state, 'stable');
    assert.equal(now.generation, settled.generation, 'no rebalance: the generation did not move');
    assert.deepEqual([...ownersOf(now).values()].filter((id) => id.startsWith('a-')).length, 2, 'its partitions are owned by the new incarnation of instance a');
    assert.ok(!pythonEvents(b).slice(bEventsSettled).some((e) => e.revoked !== undefined), 'the other member kept its partitions throughout');
    for (const m of [again, b]) {
      m.kill('SIGTERM');
      await m.finish(WAIT_MS);
    }
  });

  test('@platformatic/kafka static members: one killed and restarted within its session timeout gets its partitions back without a rebalance', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'static-p', '-p', '4']), 0);
    const script = join(KAFKA_CLIENT_SCRIPTS, 'static_member.mjs');
    const start = (instance: string) => {
      const p = new SpoolProcess(process.execPath, [script, bootstrap, 'static-p', 'statics-p', instance, '20000'], { stdin: 'ignore' });
      members.push(p);
      return p;
    };
    const last = (p: SpoolProcess) => {
      const lines = stdoutLines({ code: 0, signal: null, stdout: p.stdout, stderr: '' }).map((l) => JSON.parse(l) as { assigned: number[]; generation: number; memberId: string });
      return lines.at(-1);
    };
    const a = start('a');
    const b = start('b');
    const settled = (await waitForGroup(sandbox, 'statics-p', stableAs([2, 2]), '2 static members')).description;
    await until(() => last(a)?.assigned.length === 2 && last(b)?.assigned.length === 2, 'both to report 2 partitions');
    const before = last(a)!;
    const bLinesBefore = b.stdoutLineCount;
    a.kill('SIGKILL');
    await a.exited;
    const again = start('a');
    await until(() => last(again)?.assigned.length === 2, 'the restarted member to get its partitions');
    assert.deepEqual(last(again)!.assigned, before.assigned, 'the same partitions as before');
    assert.notEqual(last(again)!.memberId, before.memberId, 'under a new member id');
    const now = await describeGroup(sandbox, 'statics-p');
    assert.equal(now.state, 'stable');
    assert.equal(now.generation, settled.generation, 'no rebalance: the generation did not move');
    assert.equal(b.stdoutLineCount, bLinesBefore, 'the other member’s assignment never changed');
    for (const m of [again, b]) m.kill('SIGKILL');
  });

  test('@platformatic/kafka: a member killed with kill -9 loses its partitions after its session timeout, not before', async (t) => {
    assertExit(await sandbox.run(['topic', 'create', 'dyn-p', '-p', '4']), 0);
    const script = join(KAFKA_CLIENT_SCRIPTS, 'static_member.mjs');
    const start = () => {
      const p = new SpoolProcess(process.execPath, [script, bootstrap, 'dyn-p', 'dynamic-p', '-', String(SESSION_TIMEOUT_MS)], { stdin: 'ignore' });
      members.push(p);
      return p;
    };
    const victim = start();
    const survivor = start();
    const { description } = await waitForGroup(sandbox, 'dynamic-p', stableAs([2, 2]), '2 members');
    const killedMs = Date.now();
    victim.kill('SIGKILL');
    await victim.exited;
    await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS / 2));
    const meanwhile = await describeGroup(sandbox, 'dynamic-p');
    assert.equal(meanwhile.members.length, 2, 'within its session timeout the killed member still counts');
    const moved = await waitForGroup(sandbox, 'dynamic-p', stableAs([4]), 'the survivor to own all 4 partitions', { sinceMs: killedMs });
    t.diagnostic(`partitions moved ${moved.elapsedMs} ms after kill -9 (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    assert.ok(moved.elapsedMs >= SESSION_TIMEOUT_MS - 500);
    assert.ok(moved.description.generation > description.generation);
    survivor.kill('SIGKILL');
  });

  test('kcat balanced consumers share a topic; spool group describe shows them with lag; a kill -9 hands over after the session timeout', { skip: !haveKcat() }, async () => {
    assertExit(await sandbox.run(['topic', 'create', 'kc', '-p', '4']), 0);
    await produceKeyed(sandbox, 'kc', values('k', 0, 200));
    const kcat = (name: string) => {
      const args = ['-u', '-b', bootstrap, '-G', 'kcats', '-X', 'auto.offset.reset=earliest', '-X', `session.timeout.ms=${SESSION_TIMEOUT_MS}`, '-X', 'heartbeat.interval.ms=500', '-X', `client.id=${name}`, '-f', '%p %o %s\\n', 'kc'];
      const p = new SpoolProcess('kcat', args, { stdin: 'ignore' });
      members.push(p);
      return p;
    };
    const one = kcat('kcat-one');
    const two = kcat('kcat-two');
    const { description } = await waitForGroup(sandbox, 'kcats', (d) => stableAs([2, 2])(d) && caughtUp(d), 'two kcat members, caught up');
    assert.deepEqual(description.members.map((m) => m.clientId).sort(), ['kcat-one', 'kcat-two']);
    await until(() => one.stdoutLineCount + two.stdoutLineCount >= 200, 'kcat to print every record');
    const printed = [...stdoutLines({ code: 0, signal: null, stdout: one.stdout, stderr: '' }), ...stdoutLines({ code: 0, signal: null, stdout: two.stdout, stderr: '' })];
    assert.deepEqual(printed.map((l) => l.split(' ')[2]).sort(), values('k', 0, 200).sort(), 'each record printed once across the two');

    // Lag while a member is gone: the text view shows members, partitions and lag.
    two.kill('SIGKILL');
    await produceKeyed(sandbox, 'kc', values('l', 0, 100));
    const text = await sandbox.run(['group', 'describe', 'kcats']);
    assertExit(text, 0);
    assert.match(text.stdout.toString(), /kcat-one/);
    assert.match(text.stdout.toString(), /total lag: \d+/);
    await waitForGroup(sandbox, 'kcats', (d) => stableAs([4])(d) && caughtUp(d), 'the surviving kcat to own and read all 4 partitions');
    one.kill('SIGTERM');
    await one.finish(WAIT_MS);
  });

  test('spool consume -g continues where a kafkajs consumer committed, and the other way round; commits survive a broker restart', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'handover', '-p', '3']), 0);
    await produceKeyed(sandbox, 'handover', values('h', 0, 90));
    const consumer = kafka.consumer({ groupId: 'shared', sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300 });
    kafkajsConsumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'handover', fromBeginning: true });
    const got: string[] = [];
    // Take 30 of 90 and commit exactly those (each partition up to what was processed).
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (got.length >= 30) return;
        got.push(message.value!.toString());
        await consumer.commitOffsets([{ topic: 'handover', partition, offset: String(Number(message.offset) + 1) }]);
      },
    });
    await until(() => got.length >= 30, 'kafkajs to take 30 records');
    await consumer.disconnect();
    kafkajsConsumers.splice(kafkajsConsumers.indexOf(consumer), 1);
    const stored = await describeGroup(sandbox, 'shared');
    assert.equal(stored.state, 'empty');
    assert.equal(stored.partitions.reduce((n, p) => n + (p.committedOffset ?? 0), 0), 30, 'kafkajs committed 30');

    await sandbox.run(['broker', 'stop']);
    await sandbox.startBroker(['--kafka', bootstrap]);

    const rest = await sandbox.run(['consume', 'handover', '-g', 'shared', '-e']);
    assertExit(rest, 0, 'spool consume -g shared');
    const restValues = stdoutLines(rest);
    assert.deepEqual([...got, ...restValues].sort(), values('h', 0, 90).sort(), 'spool picked up exactly where kafkajs committed, after a restart');

    await produceKeyed(sandbox, 'handover', values('i', 0, 20));
    const again = kafka.consumer({ groupId: 'shared', sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300 });
    kafkajsConsumers.push(again);
    await again.connect();
    await again.subscribe({ topic: 'handover', fromBeginning: true });
    const later: string[] = [];
    await again.run({ eachMessage: async ({ message }) => void later.push(message.value!.toString()) });
    await until(() => later.length >= 20, 'kafkajs to read what spool left');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(later.sort(), values('i', 0, 20).sort(), 'kafkajs resumed where spool consume committed, nothing older');
    await again.disconnect();
    kafkajsConsumers.splice(kafkajsConsumers.indexOf(again), 1);
  });

  test('@platformatic/kafka members: a clean leave rebalances the rest, group list shows the group', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'plat', '-p', '4']), 0);
    await produceKeyed(sandbox, 'plat', values('p', 0, 80));
    const seen: string[] = [];
    const start = async () => {
      const c = new PlatformaticConsumer({ groupId: 'platformatic', clientId: 'platformatic-e2e', bootstrapBrokers: [bootstrap], deserializers: stringDeserializers });
      const stream = await c.consume({ topics: ['plat'], autocommit: 100, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300, mode: 'earliest' });
      stream.on('data', (message: { value: string }) => void seen.push(message.value));
      // A member leaves once its stream is closed.
      return { close: async () => {
        await stream.close();
        await c.close();
      }, force: () => new Promise<void>((resolve) => c.close(true, () => resolve())) };
    };
    const first = await start();
    const second = await start();
    try {
      await waitForGroup(sandbox, 'platformatic', (d) => stableAs([2, 2])(d) && caughtUp(d), 'two @platformatic/kafka members, caught up');
      const listed = (await listGroups(sandbox)).find((g) => g.group === 'platformatic');
      assert.deepEqual(listed, { group: 'platformatic', state: 'stable', members: 2, topics: ['plat'], lag: 0 });
      await first.close();
      await waitForGroup(sandbox, 'platformatic', stableAs([4]), 'the remaining member to own all 4 partitions');
      assert.deepEqual([...new Set(seen)].sort(), values('p', 0, 80).sort());
    } finally {
      await second.force();
      await first.force();
    }
  });

  test('a Kafka admin client lists, describes, sets offsets of and deletes groups of both kinds', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'adm', '-p', '2']), 0);
    await produceKeyed(sandbox, 'adm', values('x', 0, 20));
    const admin = kafka.admin();
    await admin.connect();
    const consumer = kafka.consumer({ groupId: 'admin-g', sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300 });
    kafkajsConsumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'adm', fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    const spoolSide = sandbox.spawn(['consume', 'adm', '-g', 'spool-side'], { stdin: 'ignore' });
    members.push(spoolSide);
    try {
      await waitForGroup(sandbox, 'admin-g', (d) => stableAs([2])(d) && caughtUp(d), 'the kafkajs member, caught up');
      await waitForGroup(sandbox, 'spool-side', (d) => d.state === 'stable', 'the spool member');
      const listed = (await admin.listGroups()).groups.filter((g) => g.groupId === 'admin-g' || g.groupId === 'spool-side');
      assert.deepEqual(listed.sort((a, b) => a.groupId.localeCompare(b.groupId)), [
        { groupId: 'admin-g', protocolType: 'consumer' },
        { groupId: 'spool-side', protocolType: 'consumer' },
      ]);
      const [kafkaGroup, spoolGroup] = (await admin.describeGroups(['admin-g', 'spool-side'])).groups;
      assert.equal(kafkaGroup!.state, 'Stable');
      assert.equal(kafkaGroup!.protocol, 'RoundRobinAssigner');
      assert.equal(kafkaGroup!.members[0]!.clientId, 'kafkajs-e2e');
      assert.equal(kafkaGroup!.members[0]!.clientHost, '/127.0.0.1');
      assert.deepEqual(AssignerProtocol.MemberAssignment.decode(kafkaGroup!.members[0]!.memberAssignment)?.assignment, { adm: [0, 1] });
      assert.equal(spoolGroup!.state, 'Stable');
      assert.deepEqual(AssignerProtocol.MemberAssignment.decode(spoolGroup!.members[0]!.memberAssignment)?.assignment, { adm: [0, 1] }, 'a spool group’s assignment in the consumer protocol');
      await assert.rejects(admin.deleteGroups(['admin-g']), /not empty|NON_EMPTY_GROUP|KafkaJSDeleteGroupsError/i);
    } finally {
      await consumer.disconnect();
      kafkajsConsumers.splice(kafkajsConsumers.indexOf(consumer), 1);
      spoolSide.kill('SIGTERM');
      await spoolSide.finish(WAIT_MS);
    }
    // Offsets set from outside the group (generation -1) while it is empty, in the one store.
    await admin.setOffsets({ groupId: 'admin-g', topic: 'adm', partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '2' }] });
    const stored = await describeGroup(sandbox, 'admin-g');
    assert.deepEqual(stored.partitions.map((p) => p.committedOffset), [1, 2]);
    const fetched = await admin.fetchOffsets({ groupId: 'spool-side', topics: ['adm'] });
    const spoolCommitted = (await describeGroup(sandbox, 'spool-side')).partitions.map((p) => String(p.committedOffset));
    assert.deepEqual(fetched[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset), spoolCommitted, 'OffsetFetch reads what spool consume -g committed');
    await admin.deleteGroups(['admin-g', 'spool-side']);
    const left = (await listGroups(sandbox)).map((g) => g.group);
    assert.ok(!left.includes('admin-g') && !left.includes('spool-side'));
    assert.equal((await admin.describeGroups(['admin-g'])).groups[0]!.state, 'Dead');
    await admin.disconnect();
  });

  test('a group is driven by one protocol at a time: each side is refused while the other has members', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'mixed', '-p', '2']), 0);
    const spoolMember = sandbox.spawn(['consume', 'mixed', '-g', 'mixed-g'], { stdin: 'ignore' });
    members.push(spoolMember);
    await waitForGroup(sandbox, 'mixed-g', (d) => d.members.length === 1, 'the spool member');
    const intruder = kafka.consumer({ groupId: 'mixed-g', retry: { retries: 0, restartOnFailure: async () => false } });
    const crashed = new Promise<Error & { type?: string }>((resolve) => intruder.on(intruder.events.CRASH, (event) => resolve(event.payload.error)));
    await intruder.connect();
    await intruder.subscribe({ topic: 'mixed' });
    await intruder.run({ eachMessage: async () => undefined });
    const refusal = await crashed;
    assert.equal(refusal.type, 'INCONSISTENT_GROUP_PROTOCOL', `kafkajs was refused: ${refusal.message}`);
    await intruder.disconnect();
    spoolMember.kill('SIGTERM');
    assertExit(await spoolMember.finish(WAIT_MS), 0);

    const kafkaMember = kafka.consumer({ groupId: 'mixed-g', sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300 });
    kafkajsConsumers.push(kafkaMember);
    await kafkaMember.connect();
    await kafkaMember.subscribe({ topic: 'mixed' });
    await kafkaMember.run({ eachMessage: async () => undefined });
    await waitForGroup(sandbox, 'mixed-g', stableAs([2]), 'the kafkajs member took the idle group over');
    // spool top counts the Kafka connections and requests beside the socket's.
    const top = await sandbox.run(['top', '--json', '--interval-ms', '100']);
    assertExit(top, 0, 'spool top --json');
    const broker = (JSON.parse(top.stdout.toString()) as { broker: { socketConnections: number; kafkaConnections: number | null; kafkaRequests: number | null } }).broker;
    assert.ok(broker.socketConnections >= 1);
    assert.ok((broker.kafkaConnections ?? 0) >= 1, 'the kafkajs member is connected');
    assert.ok((broker.kafkaRequests ?? 0) > 0);
    const refused = await sandbox.run(['consume', 'mixed', '-g', 'mixed-g', '-e']);
    const line = assertOneErrorLine(refused, 1, 'spool consume -g into a Kafka group');
    assert.match(line, /^spool: group "mixed-g" is in use by Kafka clients \(1 member\)/);

    // reset and delete follow spool's rules for Kafka groups too.
    const reset = await sandbox.run(['group', 'reset', 'mixed-g', '--topic', 'mixed', '--to-earliest', '--execute']);
    assertOneErrorLine(reset, 1, 'reset while a Kafka member runs');
    assertOneErrorLine(await sandbox.run(['group', 'delete', 'mixed-g']), 1, 'delete while a Kafka member runs');
    await kafkaMember.disconnect();
    kafkajsConsumers.splice(kafkajsConsumers.indexOf(kafkaMember), 1);
    await waitForGroup(sandbox, 'mixed-g', (d) => d.state === 'empty', 'the group to be empty');
    assertExit(await sandbox.run(['group', 'reset', 'mixed-g', '--topic', 'mixed', '--to-latest', '--execute']), 0);
    assertExit(await sandbox.run(['group', 'delete', 'mixed-g']), 0);
    assert.ok(!(await listGroups(sandbox)).some((g) => g.group === 'mixed-g'));
  });
});
