// e2e: remote mode (SPEC §9) for records: produce through the cluster (keys, headers, -Z,
// --print-offsets, --json), and consume and tail through it with every format, filter and stop
// condition, compared with the same commands through the local socket. A topic copied from the
// local broker to the cluster and back with `consume --format json | produce --json` is the same
// byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RemotePair, ok } from '../helpers/remote-pair.js';
import { assertExit, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';

const sameTopicRenamed = (from: string, to: string) => (text: string) => text.split(`"topic":"${from}"`).join(`"topic":"${to}"`);

describe('e2e > remote mode > records', () => {
  let pair: RemotePair;

  before(async () => {
    pair = await RemotePair.plain();
    await ok(pair.local(['topic', 'create', 'events', '-p', '3']), 'create events');
    const lines = Array.from({ length: 300 }, (_, i) => `user${i % 17}:${i % 5 === 0 ? `{"n":${i}}` : `event ${i} \u00e9\r`}`).join('\n');
    // Half through the cluster, half through the socket: both land in the same log.
    await ok(pair.remote(['produce', 'events', '-K', ':', '-H', 'source=remote', '-H', 'flag'], { input: lines + '\n' }), 'produce remotely');
    await ok(pair.local(['produce', 'events', '-K', ':', '-H', 'source=local'], { input: lines }), 'produce locally');
    await ok(pair.remote(['produce', 'events', '-Z', '-k', 'gone', '-p', '1'], { input: '\n' }), 'a tombstone');
  });

  after(async () => {
    await pair.cleanup();
  });

  test('consume: every format and filter gives the same bytes as through the socket', async () => {
    for (const args of [
      ['consume', 'events', '-e'],
      ['consume', 'events', '-e', '-f', 'json'],
      ['consume', 'events', '-e', '-f', '%t %p %o %k=%s %T %h %K %S %d\\n'],
      ['consume', 'events', '-e', '--grep', 'event 1', '--grep-key', '^user1'],
      ['consume', 'events', '-e', '--grep-header', 'source=^rem'],
      ['consume', 'events', '-e', '-p', '1', '-p', '2', '-f', 'json'],
      ['consume', 'events', '-o', '-7', '-e', '-f', '%p/%o %s\\n'],
      ['consume', 'events', '-o', '50', '--until', '120', '-e', '-f', '%p/%o\\n'],
      ['consume', 'events', '-o', '50', '--until', '@' + String(Date.now() + 3_600_000), '-e', '-c', '40'],
      ['consume', 'events', '-o', '@1h', '-e', '-c', '25', '-p', '0'],
      ['consume', 'events', '-o', 'end', '-e'],
    ]) {
      await pair.same(args);
    }
  });

  test('produce through the cluster: --print-offsets, --json envelopes, and the local words for a bad line', async () => {
    await ok(pair.local(['topic', 'create', 'keyed', '-p', '4']), 'create keyed');
    const input = Array.from({ length: 40 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n';
    const printed = stdoutLines(await pair.remote(['produce', 'keyed', '-K', ':', '--print-offsets', '--quiet'], { input }));
    assert.equal(printed.length, 40);
    // Kafka's partitioner, so the partition of each key is the one a local produce picks.
    const local = stdoutLines(await pair.local(['produce', 'keyed', '-K', ':', '--print-offsets', '--quiet'], { input }));
    assert.deepEqual(printed.map((l) => l.split(' ')[0]), local.map((l) => l.split(' ')[0]));
    const byPartition = new Map<string, number[]>();
    for (const line of printed) {
      const [p, o] = line.split(' ');
      byPartition.set(p!, [...(byPartition.get(p!) ?? []), Number(o)]);
    }
    for (const offsets of byPartition.values()) assert.deepEqual(offsets, offsets.map((_, i) => i), 'offsets in input order from 0');

    const envelopes = [
      '{"key":"a","value":"1","headers":{"h":"x"},"timestamp":1700000000000,"partition":2}',
      '{"key":null,"value":"aGk=","valueEncoding":"base64","partition":0}',
    ].join('\n');
    await ok(pair.remote(['produce', 'keyed', '--json', '--quiet'], { input: envelopes }), 'json');
    await pair.same(['consume', 'keyed', '-e', '-f', 'json', '-p', '2', '-o', '-1']);

    // Timestamps decades apart in one run keep their values (the client library writes a delta
    // from the batch's first in 32 bits: such a record starts a batch of its own).
    const times = '{"value":"old","timestamp":1000}\n{"value":"new","timestamp":1796546593238}\n{"value":"mid","timestamp":1700000000000}\n';
    await ok(pair.remote(['produce', 'times', '--json', '--quiet'], { input: times }), 'far-apart timestamps');
    assert.equal(await ok(pair.local(['consume', 'times', '-e', '-f', '%T %s\\n']), 'times'), '1000 old\n1796546593238 new\n1700000000000 mid\n');

    // -X acks (with idempotence off): the summary says what was waited for.
    const leader = await pair.remote(['-X', 'acks=1', '-X', 'enable.idempotence=false', 'produce', 'acks'], { input: 'a\nb\n' });
    assertExit(leader, 0, 'acks=1');
    assert.match(leader.stderr, /^produced 2 messages to acks in .* \(written to the partition leaders \(acks=1\)\)\n$/);
    assert.match(assertOneErrorLine(await pair.remote(['-X', 'acks=1', 'produce', 'acks'], { input: 'c\n' }), 2), /needs -X enable\.idempotence=false/);
    const all = await pair.remote(['produce', 'acks'], { input: 'c\n' });
    assert.match(all.stderr, /\(written to all in-sync replicas\)\n$/);
    assert.equal(await ok(pair.local(['consume', 'acks', '-e']), 'acks'), 'a\nb\nc\n');

    // Over max.message.bytes: the line and how many were acknowledged before it, as locally.
    await ok(pair.local(['topic', 'create', 'small', '--config', 'max.message.bytes=200']), 'create small');
    const big = `ok\n${'x'.repeat(500)}\n`;
    const remote = assertOneErrorLine(await pair.remote(['produce', 'small'], { input: big }), 1, 'remote oversized');
    const localLine = assertOneErrorLine(await pair.local(['produce', 'small'], { input: big }), 1, 'local oversized');
    assert.equal(remote, localLine);
  });

  test('tail --no-follow and tail into a pipe read through the cluster as through the socket', async () => {
    await pair.same(['tail', 'events', '-n', '15', '--no-follow']);
    await pair.same(['tail', 'events', '-n', '5', '--no-follow', '-f', 'json']);
    await pair.same(['tail', 'ev*', '-n', '3', '--no-follow', '-f', '%t %k\\n']);
    // Following: a record produced while tail runs comes out at once.
    const follower = pair.sandbox.spawn([...pair.brokerArgs, 'tail', 'events', '-n', '0', '-f', '%k %s\\n']);
    try {
      // With -n 0 tail follows from the end offsets it reads once connected to the cluster: a
      // record produced before then is never printed. A fixed 1.5 s was not always enough for
      // that start on a loaded machine; a marker is produced until one comes out instead.
      for (let i = 0; !follower.stdout.toString().includes('marker '); i++) {
        assert.ok(i < 100 && follower.running, `tail did not start following; stderr: ${follower.stderr}`);
        await ok(pair.local(['produce', 'events', '-k', 'marker', '-p', '2'], { input: `m${i}\n` }), 'produce a marker');
        await Promise.race([follower.exited, new Promise((resolve) => setTimeout(resolve, 200))]);
      }
      await ok(pair.local(['produce', 'events', '-k', 'live', '-p', '2'], { input: 'now\n' }), 'produce live');
      await follower.waitFor((p) => p.stdout.toString().includes('live now\n'), 'the live record', 20_000);
    } finally {
      follower.kill('SIGINT');
      assertExit(await follower.finish(20_000), 0, 'tail after Ctrl-C');
    }
  });

  test('a topic copied local → cluster → local with consume --format json | produce --json is byte-identical', async () => {
    await ok(pair.local(['topic', 'create', 'copy1', '-p', '3']), 'create copy1');
    await ok(pair.local(['topic', 'create', 'copy2', '-p', '3']), 'create copy2');
    const out = await pair.sandbox.shell(
      `set -o pipefail
spool consume events -e -f json | spool --broker "$1" produce copy1 --json --quiet
spool --broker "$1" consume copy1 -e -f json | spool produce copy2 --json --quiet`,
      [pair.brokerArgs[1]!],
    );
    assertExit(out, 0, 'copy pipeline');
    const original = await ok(pair.local(['consume', 'events', '-e', '-f', 'json']), 'events');
    assert.equal(await ok(pair.local(['consume', 'copy2', '-e', '-f', 'json']), 'copy2'), sameTopicRenamed('events', 'copy2')(original));
    assert.equal(await ok(pair.remote(['consume', 'copy1', '-e', '-f', 'json']), 'copy1'), sameTopicRenamed('events', 'copy1')(original));
  });
});
