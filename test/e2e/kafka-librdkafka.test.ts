// e2e: spool as the local Kafka broker of librdkafka's clients — kcat and python3-confluent-kafka,
// both from Debian — through `spool broker start --kafka` (SPEC §8). What a Kafka client writes,
// `spool consume` reads byte for byte; what `spool produce` writes, the Kafka client reads the same.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { haveKcat, havePythonKafka, kafkaSandbox, runKcat, runPython } from '../helpers/kafka-clients.js';
import { assertExit, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

interface Envelope {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string | string[]>;
}

const skip = !haveKcat() || !havePythonKafka() ? 'kcat or python3-confluent-kafka is not installed (.ci/run installs them)' : false;

describe('e2e > Kafka listener with librdkafka clients', { skip }, () => {
  let sandbox: SpoolSandbox;
  let bootstrap: string;

  before(async () => {
    ({ sandbox, bootstrap } = await kafkaSandbox());
  });

  after(async () => {
    await sandbox?.cleanup();
  });

  async function consumeJson(topic: string): Promise<Envelope[]> {
    const result = await sandbox.run(['consume', topic, '-e', '--format', 'json']);
    assertExit(result, 0, 'spool consume');
    return stdoutLines(result).map((line) => JSON.parse(line) as Envelope);
  }

  test('kcat produces keyed records with headers: spool consume reads them, in the partitions of murmur2', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'kc', '-p', '3']), 0);
    const lines = 'alice:login\nbob:login\nalice:logout\ncarol:login\n';
    const produced = await runKcat(bootstrap, ['-P', '-t', 'kc', '-K:', '-H', 'app=kcat', '-H', 'env=test', '-X', 'partitioner=murmur2_random'], { input: lines });
    assertExit(produced, 0, 'kcat -P');
    // spool's own partitioner is Kafka's: the same keys through `spool produce` land alike.
    assertExit(await sandbox.run(['topic', 'create', 'sp', '-p', '3']), 0);
    assertExit(await sandbox.run(['produce', 'sp', '-K:'], { input: lines }), 0);
    const viaKafka = await consumeJson('kc');
    const viaSpool = await consumeJson('sp');
    const where = (records: Envelope[]) => Object.fromEntries(records.map((r) => [r.key, r.partition]));
    assert.deepEqual(where(viaKafka), where(viaSpool));
    assert.equal(viaKafka.length, 4);
    for (const r of viaKafka) assert.deepEqual(r.headers, { app: 'kcat', env: 'test' });
    const byKey = (records: Envelope[], key: string) => records.filter((r) => r.key === key).map((r) => r.value);
    assert.deepEqual(byKey(viaKafka, 'alice'), ['login', 'logout']);
    // kcat reads back exactly what spool consume shows: partition, offset, key, value, headers.
    const format = '%p %o %k %s %h\\n';
    const kcatRead = await runKcat(bootstrap, ['-C', '-t', 'kc', '-e', '-q', '-f', format]);
    assertExit(kcatRead, 0, 'kcat -C');
    const spoolRead = await sandbox.run(['consume', 'kc', '-e', '-f', '%p %o %k %s %h\n']);
    assert.deepEqual(stdoutLines(kcatRead).sort(), stdoutLines(spoolRead).sort());
  });

  test('kcat reads what spool produce wrote, with the same keys, values, headers, offsets and timestamps', async () => {
    const input = Array.from({ length: 200 }, (_, i) => `k${i % 7}:value ${i} grüße`).join('\n') + '\n';
    assertExit(await sandbox.run(['produce', 'from-spool', '-K:', '-H', 'source=spool'], { input }), 0);
    const kcat = await runKcat(bootstrap, ['-C', '-t', 'from-spool', '-e', '-q', '-J']);
    assertExit(kcat, 0, 'kcat -C -J');
    const fromKcat = stdoutLines(kcat).map((line) => JSON.parse(line) as { partition: number; offset: number; ts: number; key: string; payload: string; headers?: string[] });
    const fromSpool = await consumeJson('from-spool');
    assert.equal(fromKcat.length, 200);
    assert.deepEqual(
      fromKcat.map((r) => [r.partition, r.offset, r.ts, r.key, r.payload, r.headers]),
      fromSpool.map((r) => [r.partition, r.offset, r.timestamp, r.key, r.value, ['source', 'spool']]),
    );
  });

  test('python writes records (keys, null values, headers, timestamps) that spool reads the same, and reads what spool wrote', async () => {
    const records = [
      { key: 'k0', value: 'v0', headers: [['h', 'x']], timestamp: 1_700_000_000_000 },
      { key: 'k1', value: null, timestamp: 1_700_000_001_000 },
      { key: null, value: '', headers: [['a', '1'], ['b', null]], timestamp: 1_700_000_002_000 },
      { key: 'ü', value: '世界', timestamp: 1_700_000_003_000 },
    ];
    const produced = await runPython('produce.py', bootstrap, ['py-topic'], { input: records.map((r) => JSON.stringify(r)).join('\n') + '\n' });
    assertExit(produced, 0, 'produce.py');
    assert.deepEqual(stdoutLines(produced).map((l) => JSON.parse(l) as unknown), records.map((_, i) => ({ partition: 0, offset: i })));
    const read = await consumeJson('py-topic');
    assert.deepEqual(
      read.map((r) => [r.offset, r.timestamp, r.key, r.value]),
      records.map((r, i) => [i, r.timestamp, r.key, r.value]),
    );
    assert.deepEqual(read[0]!.headers, { h: 'x' });
    const back = await runPython('consume.py', bootstrap, ['py-topic', String(records.length)]);
    assertExit(back, 0, 'consume.py');
    const fromPython = stdoutLines(back).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      fromPython.map((r) => [r.partition, r.offset, r.timestamp, r.key, r.value]),
      read.map((r) => [r.partition, r.offset, r.timestamp, r.key, r.value]),
    );
    // And the other way: python reads spool's records as spool consume shows them.
    assertExit(await sandbox.run(['produce', 'sp-to-py', '-K=', '-H', 'n=1'], { input: 'a=1\nb=2\n' }), 0);
    const py = await runPython('consume.py', bootstrap, ['sp-to-py', '2']);
    assertExit(py, 0, 'consume.py');
    const spool = await consumeJson('sp-to-py');
    assert.deepEqual(
      stdoutLines(py).map((l) => JSON.parse(l) as Record<string, unknown>).map((r) => [r.offset, r.timestamp, r.key, r.value, r.headers]),
      spool.map((r) => [r.offset, r.timestamp, r.key, r.value, [['n', '1']]]),
    );
  });

  test('offsets for a timestamp agree between librdkafka (ListOffsets) and spool topic offsets --at', async () => {
    const base = 1_750_000_000_000;
    const input = [0, 1000, 2000, 3000].map((d, i) => JSON.stringify({ key: null, value: `r${i}`, timestamp: base + d })).join('\n') + '\n';
    assertExit(await runPython('produce.py', bootstrap, ['timed'], { input }), 0, 'produce.py');
    const py = await runPython('admin.py', bootstrap, ['offsets-for-time', 'timed', String(base + 1500)]);
    assertExit(py, 0, 'admin.py offsets-for-time');
    assert.deepEqual(JSON.parse(stdoutLines(py)[0]!), [{ partition: 0, offset: 2 }]);
    const kcat = await runKcat(bootstrap, ['-Q', '-t', `timed:0:${base + 2500}`]);
    assertExit(kcat, 0, 'kcat -Q');
    assert.match(kcat.stdout.toString(), /timed \[0\]\s+offset 3/);
    const spool = await sandbox.run(['topic', 'offsets', 'timed', '--at', `@${base + 1500}`, '--json']);
    assert.equal((JSON.parse(spool.stdout.toString()) as Array<{ offset: number }>)[0]!.offset, 2);
    const none = await runPython('admin.py', bootstrap, ['offsets-for-time', 'timed', String(base + 9000)]);
    assert.deepEqual(JSON.parse(stdoutLines(none)[0]!), [{ partition: 0, offset: -1 }]);
  });

  test('admin through python: create, describe and alter configs, create partitions, delete', async () => {
    const admin = async (...args: string[]) => {
      const result = await runPython('admin.py', bootstrap, args);
      assertExit(result, 0, `admin.py ${args.join(' ')}`);
      return JSON.parse(stdoutLines(result)[0]!) as Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(await admin('create', 'adm', '2', '1', 'retention.ms=3600000'), { adm: { ok: true } });
    assert.equal((await admin('create', 'adm', '2'))['adm']!['error'], 'TOPIC_ALREADY_EXISTS');
    assert.equal((await admin('create', 'adm3', '2', '3'))['adm3']!['error'], 'INVALID_REPLICATION_FACTOR');
    assert.equal((await admin('create', 'bad/name', '1'))['bad/name']!['error'], 'TOPIC_EXCEPTION');
    const configs = await admin('describe-configs', 'adm');
    assert.deepEqual(configs['retention.ms'], { value: '3600000', default: false, source: 1 });
    assert.equal(configs['segment.bytes']!['default'], true);
    assert.deepEqual(await admin('alter-configs', 'adm', 'cleanup.policy=compact', 'max.message.bytes=2000000'), { 'ConfigResource(Type.TOPIC,adm)': { ok: true } });
    const described = JSON.parse((await sandbox.run(['topic', 'describe', 'adm', '--json'])).stdout.toString()) as { configs: Record<string, string | number>; partitions: unknown[] };
    assert.equal(described.configs['cleanup.policy'], 'compact');
    assert.equal(described.configs['max.message.bytes'], 2000000);
    // AlterConfigs replaces the whole set: retention.ms, not named, went back to its default.
    assert.equal(described.configs['retention.ms'], 604800000);
    assert.deepEqual(await admin('create-partitions', 'adm', '5'), { adm: { ok: true } });
    assert.equal((await admin('create-partitions', 'adm', '3'))['adm']!['error'], 'INVALID_PARTITIONS');
    const grown = JSON.parse((await sandbox.run(['topic', 'describe', 'adm', '--json'])).stdout.toString()) as { partitions: unknown[] };
    assert.equal(grown.partitions.length, 5);
    assert.deepEqual(await admin('delete', 'adm'), { adm: { ok: true } });
    assert.equal((await admin('delete', 'adm'))['adm']!['error'], 'UNKNOWN_TOPIC_OR_PART');
    const list = await sandbox.run(['topic', 'list', '--json']);
    assert.ok(!(JSON.parse(list.stdout.toString()) as Array<{ name: string }>).some((t) => t.name === 'adm'));
  });

  test('batches of every codec kcat writes are read by spool; every codec spool writes is read by kcat', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i} ${'the quick brown fox '.repeat(i % 5)}`);
    const input = lines.join('\n') + '\n';
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      assertExit(await runKcat(bootstrap, ['-P', '-t', `from-kcat-${codec}`, '-z', codec], { input }), 0, `kcat -P -z ${codec}`);
      assert.deepEqual(stdoutLines(await sandbox.run(['consume', `from-kcat-${codec}`, '-e'])), lines, `kcat ${codec} -> spool consume`);
      const dump = await sandbox.run(['dump', `from-kcat-${codec}:0`, '--json']);
      assertExit(dump, 0, 'spool dump');
      assert.match(dump.stdout.toString(), new RegExp(`"compression":"${codec}"`), `stored as ${codec}`);
      assertExit(await sandbox.run(['produce', `from-spool-${codec}`, '-z', codec], { input }), 0, `spool produce -z ${codec}`);
      const read = await runKcat(bootstrap, ['-C', '-t', `from-spool-${codec}`, '-e', '-q']);
      assertExit(read, 0, `kcat -C ${codec}`);
      assert.deepEqual(stdoutLines(read), lines, `spool ${codec} -> kcat`);
    }
  });

  test('a topic a producer asks for is created (auto-create), with the default partitions', async () => {
    const produced = await runKcat(bootstrap, ['-P', '-t', 'auto-made'], { input: 'x\ny\n' });
    assertExit(produced, 0, 'kcat -P');
    assert.deepEqual(stdoutLines(await sandbox.run(['consume', 'auto-made', '-e'])), ['x', 'y']);
  });
});

describe('e2e > Kafka listener settings', { skip }, () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create();
  });

  after(async () => {
    await sandbox?.cleanup();
  });

  test('SPOOL_KAFKA gives an autostarted broker a Kafka listener; status shows it', async () => {
    const env = { SPOOL_AUTOSTART: '1', SPOOL_KAFKA: '127.0.0.1:0' };
    assertExit(await sandbox.run(['produce', 'auto'], { input: 'a\n', env }), 0, 'produce with autostart');
    const status = JSON.parse((await sandbox.run(['broker', 'status', '--json'])).stdout.toString()) as { kafka: string | null };
    assert.match(status.kafka ?? '', /^127\.0\.0\.1:\d+$/);
    const kcat = await runKcat(status.kafka!, ['-C', '-t', 'auto', '-e', '-q']);
    assert.deepEqual(stdoutLines(kcat), ['a']);
    assertExit(await sandbox.run(['broker', 'stop']), 0);
  });

  test('--kafka-advertise is the address metadata gives; bad addresses are usage errors; a port in use stops the start', async () => {
    const started = await sandbox.run(['broker', 'start', '--kafka', '127.0.0.1:0', '--kafka-advertise', 'spool.invalid:19092']);
    assertExit(started, 0, 'broker start');
    const bound = /kafka listener on (\S+)/.exec(started.stdout.toString())![1]!;
    const metadata = await runKcat(bound, ['-L']);
    assert.match(metadata.stdout.toString(), /broker 0 at spool\.invalid:19092/);
    // The same port again, for a second data dir: it cannot bind, says so, and no broker stays up.
    const second = await sandbox.run(['--data-dir', `${sandbox.dir}/other`, 'broker', 'start', '--kafka', bound]);
    assertOneErrorLine(second, 1, 'broker start on a used port');
    assert.match(second.stderr, /cannot listen for Kafka clients on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    assertExit(await sandbox.run(['broker', 'stop']), 0);
    assertOneErrorLine(await sandbox.run(['broker', 'start', '--kafka', 'nonsense:port']), 2, '--kafka nonsense');
    assertOneErrorLine(await sandbox.run(['broker', 'start', '--kafka-advertise', 'h:1']), 2, '--kafka-advertise alone');
    assertOneErrorLine(await sandbox.run(['broker', 'start', '--kafka', '70000']), 2, '--kafka 70000');
  });
});
