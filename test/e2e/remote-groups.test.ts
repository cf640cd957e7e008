// e2e: remote mode (SPEC §9) for consumer groups and top. `consume -g` through the cluster joins
// a Kafka group (classic protocol) and commits what it wrote; group list, describe (--watch too),
// reset and delete answer as through the local socket, the generation aside (DescribeGroups does
// not tell it: -1 remotely); a local `consume -g` goes on where the remote one committed; top
// --json shows the cluster and the topics' end offsets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RemotePair, ok, withoutUnknowable } from '../helpers/remote-pair.js';
import { assertExit, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';

const noGeneration = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => withoutUnknowable(l, ['generation'])).join('\n');

describe('e2e > remote mode > groups and top', () => {
  let pair: RemotePair;

  before(async () => {
    pair = await RemotePair.plain();
    await ok(pair.local(['topic', 'create', 'jobs', '-p', '4']), 'create jobs');
    // Keyed, so every partition gets some.
    await ok(pair.local(['produce', 'jobs', '-K', ':'], { input: Array.from({ length: 400 }, (_, i) => `k${i}:job ${i}`).join('\n') }), 'produce');
  });

  after(async () => {
    await pair.cleanup();
  });

  test('consume -g through the cluster commits what it wrote; list and describe answer as locally', async () => {
    const first = stdoutLines(await pair.remote(['consume', 'jobs', '-g', 'workers', '-e', '-c', '150']));
    assert.equal(first.length, 150);
    const rest = stdoutLines(await pair.remote(['consume', 'jobs', '-g', 'workers', '-e']));
    assert.equal(rest.length, 250, 'the second run starts after what the first one committed');
    assert.deepEqual([...first, ...rest].sort(), Array.from({ length: 400 }, (_, i) => `job ${i}`).sort());
    await pair.same(['group', 'list', '--json']);
    await pair.same(['group', 'list']);
    await pair.same(['group', 'describe', 'workers', '--json'], { normalize: noGeneration });
    const described = JSON.parse(await ok(pair.remote(['group', 'describe', 'workers', '--json']), 'describe')) as { generation: number; partitions: Array<{ lag: number }> };
    assert.equal(described.generation, -1);
    assert.deepEqual(described.partitions.map((p) => p.lag), [0, 0, 0, 0]);
    for (const args of [['group', 'describe', 'nobody'], ['group', 'delete', 'nobody'], ['group', 'reset', 'nobody', '--topic', 'jobs', '--to-earliest']]) {
      const local = await pair.local(args);
      assert.equal(assertOneErrorLine(await pair.remote(args), local.code ?? -1, args.join(' ')), local.stderr.trimEnd());
    }
  });

  test('two members through the cluster share the partitions; describe and --watch show them as locally', async () => {
    const a = pair.sandbox.spawn([...pair.brokerArgs, 'consume', 'jobs', '-g', 'pair', '-o', 'beginning']);
    const b = pair.sandbox.spawn([...pair.brokerArgs, 'consume', 'jobs', '-g', 'pair']);
    try {
      await a.waitFor((p) => p.stdoutLineCount > 0, 'member a reads');
      const settled = async () => {
        const d = JSON.parse(await ok(pair.local(['group', 'describe', 'pair', '--json']), 'describe')) as { state: string; members: Array<{ assignment: unknown[] }>; partitions: Array<{ lag: number }> };
        return d.state === 'stable' && d.members.length === 2 && d.members.every((m) => m.assignment.length === 2) && d.partitions.every((p) => p.lag === 0);
      };
      const deadline = Date.now() + 40_000;
      while (!(await settled())) {
        assert.ok(Date.now() < deadline, 'the group settles with two members of two partitions each, caught up');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await pair.same(['group', 'describe', 'pair', '--json'], { normalize: noGeneration });
      await pair.same(['group', 'list', '--json']);
      // Refused while members are in it, with the local words.
      for (const args of [['group', 'delete', 'pair'], ['group', 'reset', 'pair', '--topic', 'jobs', '--to-earliest']]) {
        const local = await pair.local(args);
        assert.equal(assertOneErrorLine(await pair.remote(args), 1, args.join(' ')), local.stderr.trimEnd());
      }
      const watch = pair.sandbox.spawn([...pair.brokerArgs, 'group', 'describe', 'pair', '--watch', '--json']);
      try {
        await watch.waitFor((p) => p.stdoutLineCount >= 2, 'two refreshes', 20_000);
      } finally {
        watch.kill('SIGINT');
        assertExit(await watch.finish(20_000), 0, 'watch after Ctrl-C');
      }
      const refreshes = stdoutLines({ stdout: watch.stdout, stderr: '', code: 0, signal: null });
      assert.equal((JSON.parse(refreshes[0]!) as { members: unknown[] }).members.length, 2);
    } finally {
      a.kill('SIGINT');
      b.kill('SIGINT');
      assertExit(await a.finish(30_000), 0, 'member a after Ctrl-C');
      assertExit(await b.finish(30_000), 0, 'member b after Ctrl-C');
    }
    const all = [...stdoutLines({ stdout: a.stdout, stderr: '', code: 0, signal: null }), ...stdoutLines({ stdout: b.stdout, stderr: '', code: 0, signal: null })];
    assert.deepEqual([...new Set(all)].sort(), Array.from({ length: 400 }, (_, i) => `job ${i}`).sort(), 'every record read by one of them');
    const after = JSON.parse(await ok(pair.remote(['group', 'describe', 'pair', '--json']), 'describe')) as { state: string; members: unknown[]; partitions: Array<{ lag: number }> };
    assert.equal(after.members.length, 0);
    assert.deepEqual(after.partitions.map((p) => p.lag), [0, 0, 0, 0], 'both committed everything on the way out');
  });

  test('group reset through the cluster plans and executes as locally; a local member goes on from it; delete', async () => {
    await pair.same(['group', 'reset', 'workers', '--topic', 'jobs:1,3', '--shift-by', '-10']);
    await pair.same(['group', 'reset', 'workers', '--topic', 'jobs', '--to-offset', '20']);
    await pair.same(['group', 'reset', 'workers', '--topic', 'jobs', '--by-duration', '1h']);
    assert.match(await ok(pair.remote(['group', 'reset', 'workers', '--topic', 'jobs:0', '--to-offset', '95', '--execute']), 'execute'), /offsets of group workers reset/);
    // A spool consumer through the socket continues where the cluster's commit put the group.
    const rest = stdoutLines(await pair.local(['consume', 'jobs', '-g', 'workers', '-e']));
    const p0 = stdoutLines(await pair.local(['consume', 'jobs', '-p', '0', '-e']));
    assert.deepEqual(rest, p0.slice(95));
    assert.equal(await ok(pair.remote(['group', 'delete', 'workers']), 'delete'), 'deleted group workers\n');
    assert.doesNotMatch(await ok(pair.local(['group', 'list']), 'list'), /workers/);
  });

  test('top --json through the cluster: the cluster, topics with their end offsets, groups, and rates from end offsets', async () => {
    const offsets = JSON.parse(await ok(pair.local(['topic', 'offsets', 'jobs', '--json']), 'offsets')) as Array<{ partition: number; logEndOffset: number }>;
    // The end offsets jobs/2 has had from here on: the one now, then each produce's.
    const ends = new Set([offsets.find((o) => o.partition === 2)!.logEndOffset]);
    const top = pair.sandbox.spawn([...pair.brokerArgs, 'top', '--json', '--interval-ms', '4000']);
    // When top takes its first reading is not known here (its start loads the Kafka client and
    // connects; one produce a fixed 2 s after the spawn came before it on a stalled start): records
    // go on being appended to jobs/2 until top exits, so some fall between its two readings.
    for (let n = 0; top.running; n++) {
      assert.ok(n < 300, 'top did not exit');
      const printed = await ok(pair.local(['produce', 'jobs', '-p', '2', '--print-offsets', '--quiet'], { input: 'x\n'.repeat(100) }), 'produce while top samples');
      for (const line of printed.trimEnd().split('\n')) ends.add(Number(line.split(' ')[1]) + 1);
      await Promise.race([top.exited, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    const result = await top.finish();
    assertExit(result, 0, 'top --json');
    const snapshot = JSON.parse(result.stdout.toString()) as {
      broker: unknown;
      cluster: { clusterId: string; brokers: number };
      topics: Array<{ name: string; endOffsets: number[]; messagesInPerSec: number | null }>;
      groups: Array<{ group: string }>;
    };
    assert.equal(snapshot.broker, null);
    assert.equal(snapshot.cluster.brokers, 1);
    const local = JSON.parse(await ok(pair.local(['top', '--json', '--interval-ms', '100']), 'local top')) as typeof snapshot;
    const jobs = snapshot.topics.find((t) => t.name === 'jobs')!;
    // jobs/2 may have grown after top's last reading: its end offset then is one the log had.
    assert.ok(ends.has(jobs.endOffsets[2]!), `jobs/2 ends at ${jobs.endOffsets[2]} in top, never so in the log (${[...ends].join(', ')})`);
    const localJobs = local.topics.find((t) => t.name === 'jobs')!;
    const asTopSaw = local.topics.map((t) => [t.name, t === localJobs ? localJobs.endOffsets.map((o, p) => (p === 2 ? jobs.endOffsets[2] : o)) : t.endOffsets]);
    assert.deepEqual(snapshot.topics.map((t) => [t.name, t.endOffsets]), asTopSaw);
    assert.ok(jobs.messagesInPerSec !== null && jobs.messagesInPerSec > 0, `records in per second from the end offsets: ${jobs.messagesInPerSec}`);
    assert.deepEqual(snapshot.groups.map((g) => g.group), local.groups.map((g) => g.group));
  });
});
