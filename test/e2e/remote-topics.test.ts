// e2e: remote mode (SPEC §9) for topic administration and the global options. The same broker is
// reached through its Unix socket and through its Kafka listener (--broker kafka://…, spool's
// Kafka client), and each command's output is compared field by field. What a cluster cannot
// tell (segments, bytes, segments deleted by a trim) is replaced before comparing, as spool(1)
// documents. Also: broker status describes the cluster; verify, dump and broker start/stop
// refuse a cluster; an unreachable cluster exits 3 naming the addresses within the connect
// timeout; -X and profiles from config.toml.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RemotePair, ok, withoutUnknowable } from '../helpers/remote-pair.js';
import { assertExit, assertOneErrorLine } from '../helpers/spool-cli.js';

describe('e2e > remote mode > topics and global options', () => {
  let pair: RemotePair;

  before(async () => {
    pair = await RemotePair.plain();
  });

  after(async () => {
    await pair.cleanup();
  });

  test('topic create through the cluster, then list, describe and offsets answer as locally', async () => {
    assert.equal(await ok(pair.remote(['topic', 'create', 'orders', '-p', '3', '--config', 'retention.ms=3600000']), 'create'), 'created topic orders (3 partitions)\n');
    await ok(pair.local(['produce', 'orders', '-K', ':']), 'produce locally');
    await ok(pair.remote(['produce', 'orders', '-K', ':'], { input: 'a:1\nb:2\nc:3\nd:4\ne:5\n' }), 'produce remotely');
    // Kafka's protocol says nothing of segments, bytes on disk or what holds retention.
    const bytesAndSegments = (text: string) => withoutUnknowable(text, ['bytes', 'segments', 'retention']);
    await pair.same(['topic', 'list', '--json'], { normalize: bytesAndSegments });
    await pair.same(['topic', 'describe', 'orders', '--json'], { normalize: bytesAndSegments });
    // The tables: every column but SEGMENTS, BYTES and RETENTION HELD BY.
    const columns = (text: string) =>
      text
        .replace(/\s+(active segment only|- \(the cluster's own\)|RETENTION HELD BY)$/gm, '')
        .replace(/^(\s*\d+\s+\d+\s+\d+)\s+\d+\s+\S+ \S+/gm, '$1 - -')
        .replace(/\s+\d+(\.\d+)? [KMG]?B$/gm, '');
    await pair.same(['topic', 'describe', 'orders'], { normalize: columns });
    await pair.same(['topic', 'offsets', 'orders', '--json']);
    await pair.same(['topic', 'offsets', 'orders']);
    await pair.same(['topic', 'offsets', 'orders', '--at', '@1h', '--json']);
    await pair.same(['topic', 'offsets', 'orders', '--at', `@${Date.now() + 60_000}`, '--json']);
  });

  test('topic alter, trim and delete through the cluster; errors have the local words and exit codes', async () => {
    await ok(pair.local(['topic', 'create', 'scratch', '-p', '2']), 'create');
    await ok(pair.local(['produce', 'scratch', '-p', '0'], { input: 'x\n'.repeat(10) }), 'produce');
    assert.equal(await ok(pair.remote(['topic', 'alter', 'scratch', '-p', '4', '--config', 'cleanup.policy=compact']), 'alter'), 'altered topic scratch\n');
    const described = JSON.parse(await ok(pair.local(['topic', 'describe', 'scratch', '--json']), 'describe')) as { configs: Record<string, unknown>; defaults: string[]; partitions: unknown[] };
    assert.equal(described.partitions.length, 4);
    assert.equal(described.configs['cleanup.policy'], 'compact');
    assert.ok(!described.defaults.includes('cleanup.policy'));
    await ok(pair.remote(['topic', 'alter', 'scratch', '--config', 'cleanup.policy=']), 'unset a config');
    assert.ok((JSON.parse(await ok(pair.local(['topic', 'describe', 'scratch', '--json']), 'describe')) as { defaults: string[] }).defaults.includes('cleanup.policy'));

    const trim = await pair.remote(['topic', 'trim', 'scratch', '--before', '4', '-p', '0']);
    assertExit(trim, 0, 'trim');
    assert.match(trim.stdout.toString(), /^\s*0\s+0\s+4\s+\d+$/m, 'partition 0: old start 0, new start 4');
    await pair.same(['topic', 'offsets', 'scratch', '--json']);

    // The same refusals both ways: words and exit codes.
    for (const args of [
      ['topic', 'describe', 'nope'],
      ['topic', 'offsets', 'nope'],
      ['topic', 'delete', 'nope'],
      ['topic', 'create', 'scratch'],
      ['topic', 'alter', 'scratch', '-p', '2'],
      ['consume', 'nope', '-e'],
    ]) {
      const local = await pair.local(args);
      const remote = await pair.remote(args);
      assert.equal(assertOneErrorLine(remote, local.code ?? -1, `remote ${args.join(' ')}`), local.stderr.trimEnd(), `spool ${args.join(' ')}`);
    }
    assert.equal(await ok(pair.remote(['topic', 'create', 'scratch', '--if-not-exists']), 'if-not-exists'), 'topic scratch already exists\n');
    assert.equal(await ok(pair.remote(['topic', 'delete', 'scratch']), 'delete'), 'deleted topic scratch\n');
    assert.ok(!(await ok(pair.local(['topic', 'list']), 'list')).includes('scratch'));
  });

  test('broker status --broker kafka://… describes the cluster: id, controller, brokers and API versions', async () => {
    const json = JSON.parse(await ok(pair.remote(['broker', 'status', '--json']), 'status')) as {
      running: boolean;
      clusterId: string;
      controller: number;
      brokers: Array<{ nodeId: number; host: string; port: number }>;
      apiVersions: Array<{ api: string; minVersion: number; maxVersion: number }>;
      bootstrap: string[];
    };
    assert.equal(json.running, true);
    assert.match(json.clusterId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(json.controller, 0);
    assert.deepEqual(json.brokers.map((b) => `${b.host}:${b.port}`), [pair.brokerArgs[1]!.slice('kafka://'.length)]);
    const fetch = json.apiVersions.find((v) => v.api === 'Fetch');
    assert.ok(fetch !== undefined && fetch.maxVersion >= 12, 'the Fetch versions the listener speaks');
    const text = await ok(pair.remote(['broker', 'status']), 'status');
    assert.match(text, /^cluster running\n {2}id {10}\S+\n {2}controller {2}0\n/);
  });

  test('verify, dump and broker start/stop are local: a cluster is a usage error (exit 2), in one line', async () => {
    for (const args of [['verify'], ['dump', 'orders:0'], ['broker', 'start'], ['broker', 'stop']]) {
      const line = assertOneErrorLine(await pair.remote(args), 2, args.join(' '));
      assert.match(line, /works on the local broker and its data directory only, not on kafka:\/\//, args.join(' '));
    }
    // SPOOL_BROKER is the same as --broker.
    const env = { SPOOL_BROKER: pair.brokerArgs[1]! };
    assertOneErrorLine(await pair.local(['verify'], { env }), 2, 'verify with SPOOL_BROKER');
    assert.match(await ok(pair.local(['topic', 'list', '--json'], { env }), 'topic list with SPOOL_BROKER'), /"orders"/);
  });

  test('an unreachable cluster exits 3 naming the addresses tried, within the connect timeout', async () => {
    // A port that takes no connection: bound, closed, so nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const started = Date.now();
    const result = await pair.local(['--broker', `kafka://127.0.0.1:${port},127.0.0.1:1`, '-X', 'socket.connection.setup.timeout.ms=2000', 'topic', 'list']);
    const line = assertOneErrorLine(result, 3, 'unreachable');
    assert.match(line, new RegExp(`no Kafka broker reachable at 127\\.0\\.0\\.1:${port},127\\.0\\.0\\.1:1`));
    assert.ok(Date.now() - started < 20_000, 'gave up in reasonable time');

    // A port that takes connections and never answers: unreachable all the same, once the
    // connect timeout has passed.
    const silent = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const address = `127.0.0.1:${(silent.address() as { port: number }).port}`;
      const before = Date.now();
      const quiet = await pair.local(['--broker', `kafka://${address}`, '-X', 'socket.connection.setup.timeout.ms=1500', 'topic', 'list']);
      assert.match(assertOneErrorLine(quiet, 3, 'silent'), new RegExp(`no Kafka broker answered at ${address.replaceAll('.', '\\.')} within 1500 ms`));
      assert.ok(Date.now() - before < 10_000, `gave up soon after the connect timeout (${Date.now() - before} ms)`);
    } finally {
      silent.close();
    }
  });

  test('usage errors: an unknown -X key, a bad URL, -X for the local broker, an unknown profile (exit 2, one line)', async () => {
    assert.match(assertOneErrorLine(await pair.remote(['-X', 'no.such.key=1', 'topic', 'list']), 2), /unknown client property "no\.such\.key"/);
    assert.match(assertOneErrorLine(await pair.remote(['-X', 'nokey', 'topic', 'list']), 2), /invalid -X "nokey"/);
    assert.match(assertOneErrorLine(await pair.local(['--broker', 'kafka://nohost', 'topic', 'list']), 2), /invalid broker address "nohost"/);
    assert.match(assertOneErrorLine(await pair.local(['-X', 'client.id=x', 'topic', 'list']), 2), /client properties are for Kafka clusters/);
    const env = { XDG_CONFIG_HOME: join(pair.sandbox.dir, 'no-config') };
    assert.match(assertOneErrorLine(await pair.local(['--broker', 'prod', 'topic', 'list'], { env }), 2), /unknown broker profile "prod"/);
    assert.match(
      assertOneErrorLine(await pair.remote(['-X', 'security.protocol=SASL_SSL', 'topic', 'list']), 2),
      /needs -X sasl\.username=… and -X sasl\.password=…/,
    );
  });

  test('a profile of config.toml gives the url and properties; -X goes over them', async () => {
    const config = join(pair.sandbox.dir, 'config');
    await mkdir(join(config, 'spool'), { recursive: true });
    await writeFile(
      join(config, 'spool', 'config.toml'),
      `# brokers
[brokers.dev]
url = "${pair.brokerArgs[1]}"
[brokers.dev.properties]
"client.id" = "spool-dev"
"socket.connection.setup.timeout.ms" = 5000

[brokers.here]
url = "unix:${pair.sandbox.socket}"

[brokers.broken]
url = "kafka://127.0.0.1:9"
properties = { "no.such" = "x" }
`,
    );
    const env = { XDG_CONFIG_HOME: config };
    const viaProfile = await ok(pair.local(['--broker', 'dev', 'topic', 'list', '--json'], { env }), 'profile dev');
    assert.match(viaProfile, /"orders"/);
    assert.equal(await ok(pair.local(['--broker', 'here', 'topic', 'list'], { env }), 'profile here'), await ok(pair.local(['topic', 'list']), 'local'));
    assert.match(assertOneErrorLine(await pair.local(['--broker', 'broken', 'topic', 'list'], { env }), 2), /unknown client property "no\.such"/);
    const cluster = JSON.parse(await ok(pair.local(['--broker', 'dev', '-X', 'client.id=other', 'broker', 'status', '--json'], { env }), 'status')) as { running: boolean };
    assert.equal(cluster.running, true);
  });
});
