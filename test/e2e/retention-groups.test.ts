// e2e: retention.groups (SPEC §10). With a 1-second retention and small segments, segments stay
// until the named group commits past them and then go, and `topic describe` says why at each
// step; a deleted group stops holding; compaction is not held; time and size say when nothing
// else does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const DEADLINE_MS = 20_000;

type Retention =
  | { heldBy: 'time'; expiresMs: number | null }
  | { heldBy: 'size' }
  | { heldBy: 'group'; group: string; committedOffset: number | null; segmentEndOffset: number }
  | { heldBy: 'active-segment' | 'compact' | null };

interface PartitionJson {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  segments: number;
  lastTimestamp: number | null;
  retention: Retention;
}

describe('e2e > retention held by groups', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true, brokerArgs: ['--retention-check-ms', '200'] });
  });

  after(async () => {
    await sandbox?.cleanup();
  });

  async function partition0(topic: string): Promise<PartitionJson> {
    const described = await sandbox.run(['topic', 'describe', topic, '--json']);
    assertExit(described, 0, 'topic describe --json');
    return (JSON.parse(described.stdout.toString()) as { partitions: PartitionJson[] }).partitions[0]!;
  }

  async function describeText(topic: string): Promise<string> {
    const described = await sandbox.run(['topic', 'describe', topic]);
    assertExit(described, 0, 'topic describe');
    return described.stdout.toString();
  }

  async function waitFor(topic: string, done: (p: PartitionJson) => boolean, what: string): Promise<PartitionJson> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const p = await partition0(topic);
      if (done(p)) return p;
      assert.ok(Date.now() < deadline, `${what} never happened: ${JSON.stringify(p)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** `batches` produce runs of 40 lines each: one batch each, so a 1 KiB segment.bytes rolls every few. */
  async function produceBatches(topic: string, batches: number): Promise<void> {
    for (let b = 0; b < batches; b++) {
      const lines = Array.from({ length: 40 }, (_, i) => `job ${b * 40 + i}`).join('\n') + '\n';
      assertExit(await sandbox.run(['produce', topic, '--quiet'], { input: lines }), 0, 'produce');
    }
  }

  const heldByGroup = (p: PartitionJson, group: string, committedOffset: number | null) =>
    p.retention.heldBy === 'group' && p.retention.group === group && p.retention.committedOffset === committedOffset;

  test('segments stay until the group commits past them, then go; describe says why at each step', async () => {
    const created = await sandbox.run(['topic', 'create', 'jobs', '--config', 'retention.groups=workers', '--config', 'retention.ms=1000', '--config', 'segment.bytes=1024']);
    assertExit(created, 0, 'topic create');
    const groups = JSON.parse((await sandbox.run(['group', 'list', '--json'])).stdout.toString()) as Array<{ group: string; members: number }>;
    assert.deepEqual(groups.filter((g) => g.group === 'workers'), [{ group: 'workers', state: 'empty', members: 0, topics: [], lag: 0 }], 'naming a group creates it');
    await produceBatches('jobs', 5);

    // Expired after a second, but the group has committed nothing: everything stays.
    const unread = await waitFor('jobs', (p) => heldByGroup(p, 'workers', null), 'held by workers with nothing committed');
    assert.equal(unread.logStartOffset, 0);
    assert.equal(unread.logEndOffset, 200);
    assert.ok(unread.segments >= 3, `${unread.segments} segments`);
    const firstEnd = (unread.retention as { segmentEndOffset: number }).segmentEndOffset;
    assert.ok(firstEnd > 0 && firstEnd < 100, `first segment ends at ${firstEnd}`);
    assert.match(await describeText('jobs'), new RegExp(`group workers \\(nothing committed; segment ends at ${firstEnd}\\)`));

    // The group reads and commits 100: the segments wholly below 100 go, the one holding 100 stays.
    const read = await sandbox.run(['consume', 'jobs', '-g', 'workers', '-c', '100']);
    assertExit(read, 0, 'consume -g -c 100');
    assert.equal(stdoutLines(read).length, 100);
    const half = await waitFor('jobs', (p) => heldByGroup(p, 'workers', 100) && p.logStartOffset > 0, 'held by workers at 100');
    assert.ok(half.logStartOffset >= firstEnd && half.logStartOffset <= 100, `log start ${half.logStartOffset}`);
    const heldEnd = (half.retention as { segmentEndOffset: number }).segmentEndOffset;
    assert.ok(heldEnd > 100, `the held segment ends at ${heldEnd}, past the commit`);
    assert.match(await describeText('jobs'), new RegExp(`group workers at 100 \\(segment ends at ${heldEnd}\\)`));
    const rest = await sandbox.run(['consume', 'jobs', '-e']);
    assert.equal(stdoutLines(rest)[0], `job ${half.logStartOffset}`, 'a reader from the beginning starts at the new log start');

    // It reads to the end: every closed segment goes; the active one is never deleted.
    assertExit(await sandbox.run(['consume', 'jobs', '-g', 'workers', '-e']), 0, 'consume -g -e');
    const done = await waitFor('jobs', (p) => p.retention.heldBy === 'active-segment', 'everything committed deleted');
    assert.equal(done.segments, 1);
    assert.equal(done.logEndOffset, 200);
    assert.match(await describeText('jobs'), /active segment only/);
  });

  test('every named group holds; deleting a group releases what it held', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'fanout', '--config', 'retention.groups=audit,billing', '--config', 'retention.ms=1000', '--config', 'segment.bytes=1024']), 0);
    await produceBatches('fanout', 4);
    assertExit(await sandbox.run(['consume', 'fanout', '-g', 'billing', '-e']), 0);
    const held = await waitFor('fanout', (p) => heldByGroup(p, 'audit', null), 'held by audit, which has read nothing');
    assert.equal(held.logStartOffset, 0, 'billing read everything, audit nothing: nothing goes');
    assertExit(await sandbox.run(['group', 'delete', 'audit']), 0, 'group delete');
    const released = await waitFor('fanout', (p) => p.retention.heldBy === 'active-segment', 'released once audit is deleted');
    assert.equal(released.segments, 1);
  });

  test('time and size say what holds a partition when no group does', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'slow', '--config', 'retention.ms=3600000', '--config', 'segment.bytes=1024']), 0);
    await produceBatches('slow', 3);
    const timed = await partition0('slow');
    assert.equal(timed.retention.heldBy, 'time');
    const expiresMs = (timed.retention as { expiresMs: number }).expiresMs;
    assert.ok(expiresMs > Date.now() + 3_500_000 && expiresMs <= timed.lastTimestamp! + 3_600_000, `expires at ${expiresMs}`);
    assert.match(await describeText('slow'), /time until \d{4}-\d\d-\d\dT/);
    assertExit(await sandbox.run(['topic', 'alter', 'slow', '--config', 'retention.ms=-1', '--config', 'retention.bytes=1000000']), 0);
    assert.deepEqual((await partition0('slow')).retention, { heldBy: 'size' });
  });

  test('compaction is not held by retention.groups', async () => {
    const configs = ['cleanup.policy=compact', 'segment.bytes=1024', 'delete.retention.ms=0', 'retention.groups=readers'];
    assertExit(await sandbox.run(['topic', 'create', 'prices', ...configs.flatMap((c) => ['--config', c])]), 0);
    for (let round = 1; round <= 6; round++) {
      const filler = Array.from({ length: 5 }, (_, i) => `filler-${round}-${i}:${'x'.repeat(60)}`).join('\n');
      assertExit(await sandbox.run(['produce', 'prices', '-K:', '--quiet'], { input: `apple:1.0${round}\npear:2.0${round}\n${filler}\n` }), 0);
    }
    const deadline = Date.now() + DEADLINE_MS;
    let apples: string[] = [];
    for (;;) {
      apples = stdoutLines(await sandbox.run(['consume', 'prices', '-e', '-f', '%k %s\n'])).filter((l) => l.startsWith('apple '));
      if (apples.length < 6) break;
      assert.ok(Date.now() < deadline, 'compaction never removed a superseded apple');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(apples[apples.length - 1], 'apple 1.06', 'the latest value stays');
    assert.deepEqual((await partition0('prices')).retention, { heldBy: 'compact' });
  });

  test('an empty group name in retention.groups is a usage error', async () => {
    const line = assertOneErrorLine(await sandbox.run(['topic', 'create', 'bad', '--config', 'retention.groups=a,,b']), 2, 'topic create');
    assert.match(line, /invalid value "a,,b" for retention\.groups/);
  });
});
