// e2e: `spool topic` create|list|describe|alter|delete|offsets (SPEC §3 topic) and the shapes of
// their --json outputs (SPEC §4), against one broker shared by this file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const DESCRIBE_KEYS = ['name', 'configs', 'defaults', 'partitions'];
const PARTITION_KEYS = ['partition', 'logStartOffset', 'logEndOffset', 'segments', 'bytes', 'firstTimestamp', 'lastTimestamp', 'retention'];
const CONFIG_KEYS = ['retention.ms', 'retention.bytes', 'segment.bytes', 'segment.ms', 'cleanup.policy', 'delete.retention.ms', 'max.message.bytes', 'retention.groups'];

interface PartitionJson {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  segments: number;
  bytes: number;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
}

interface DescribeJson {
  name: string;
  configs: Record<string, string | number>;
  defaults: string[];
  partitions: PartitionJson[];
}

interface OffsetsJson {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  offset?: number;
}

describe('e2e > topic admin', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  async function json<T>(args: readonly string[]): Promise<T> {
    const result = await sandbox.run(args);
    assertExit(result, 0, args.join(' '));
    return JSON.parse(result.stdout.toString('utf8')) as T;
  }

  test('create with -p and --config; describe --json shows configs, defaults and every partition', async () => {
    const created = await sandbox.run(['topic', 'create', 'orders', '-p', '3', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=delete']);
    assertExit(created, 0, 'topic create');
    const described = await json<DescribeJson>(['topic', 'describe', 'orders', '--json']);
    assert.deepEqual(Object.keys(described), DESCRIBE_KEYS);
    assert.equal(described.name, 'orders');
    assert.deepEqual(Object.keys(described.configs).sort(), [...CONFIG_KEYS].sort());
    assert.equal(String(described.configs['retention.ms']), '3600000');
    assert.equal(String(described.configs['segment.bytes']), '67108864');
    assert.equal(String(described.configs['max.message.bytes']), '1048576');
    assert.deepEqual([...described.defaults].sort(), CONFIG_KEYS.filter((k) => k !== 'retention.ms' && k !== 'cleanup.policy').sort());
    assert.deepEqual(described.partitions.map((p) => p.partition), [0, 1, 2]);
    for (const p of described.partitions) {
      assert.deepEqual(Object.keys(p), PARTITION_KEYS);
      assert.deepEqual([p.logStartOffset, p.logEndOffset, p.bytes], [0, 0, 0]);
      assert.equal(p.firstTimestamp, null);
    }
    const text = await sandbox.run(['topic', 'describe', 'orders']);
    assertExit(text, 0);
    assert.match(text.stdout.toString('utf8'), /retention\.ms\s+3600000/);
  });

  test('describe counts records, bytes and timestamps per partition after producing', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'counted', '-p', '2']), 0);
    const input = [1000, 2000, 3000].map((timestamp, i) => JSON.stringify({ value: `v${i}`, partition: 1, timestamp })).join('\n');
    assertExit(await sandbox.run(['produce', 'counted', '--json', '--quiet'], { input }), 0);
    const { partitions } = await json<DescribeJson>(['topic', 'describe', 'counted', '--json']);
    const [zero, one] = partitions as [PartitionJson, PartitionJson];
    assert.deepEqual([zero.logEndOffset, zero.bytes, zero.firstTimestamp], [0, 0, null]);
    assert.deepEqual([one.logStartOffset, one.logEndOffset, one.firstTimestamp, one.lastTimestamp], [0, 3, 1000, 3000]);
    assert.ok(one.bytes > 0 && one.segments >= 1);
  });

  test('create of an existing topic exits 1 unless --if-not-exists', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'twice']), 0);
    const again = await sandbox.run(['topic', 'create', 'twice']);
    assert.match(assertOneErrorLine(again, 1, 'second create'), /twice/);
    const quiet = await sandbox.run(['topic', 'create', 'twice', '-p', '4', '--if-not-exists']);
    assertExit(quiet, 0, 'create --if-not-exists');
    const described = await json<DescribeJson>(['topic', 'describe', 'twice', '--json']);
    assert.equal(described.partitions.length, 1, '--if-not-exists leaves the topic as it was');
  });

  test('list --json has name, partitions, messages and bytes of every topic', async () => {
    assertExit(await sandbox.run(['produce', 'listed', '--quiet'], { input: 'a\nb\nc\n' }), 0);
    const topics = await json<Array<Record<string, unknown>>>(['topic', 'list', '--json']);
    for (const t of topics) assert.deepEqual(Object.keys(t), ['name', 'partitions', 'messages', 'bytes']);
    const listed = topics.find((t) => t.name === 'listed');
    assert.ok(listed !== undefined);
    assert.equal(listed.partitions, 1);
    assert.equal(listed.messages, 3);
    assert.ok(typeof listed.bytes === 'number' && listed.bytes > 0);
    const text = await sandbox.run(['topic', 'list']);
    assertExit(text, 0);
    assert.ok(stdoutLines(text).some((line) => /^listed\s+1\s+3\s/.test(line)), text.stdout.toString());
  });

  test('describe of a missing topic exits 1 naming it', async () => {
    const result = await sandbox.run(['topic', 'describe', 'missing-topic']);
    assert.match(assertOneErrorLine(result, 1), /missing-topic/);
  });

  test('alter changes configs and grows partitions, and refuses to shrink them', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'growing', '-p', '2']), 0);
    assertExit(await sandbox.run(['topic', 'alter', 'growing', '-p', '5', '--config', 'retention.ms=60000']), 0, 'alter -p 5');
    let described = await json<DescribeJson>(['topic', 'describe', 'growing', '--json']);
    assert.equal(described.partitions.length, 5);
    assert.equal(String(described.configs['retention.ms']), '60000');
    assert.ok(!described.defaults.includes('retention.ms'));

    const shrink = await sandbox.run(['topic', 'alter', 'growing', '-p', '3']);
    assert.match(assertOneErrorLine(shrink, 1, 'alter -p 3'), /grow/);
    described = await json<DescribeJson>(['topic', 'describe', 'growing', '--json']);
    assert.equal(described.partitions.length, 5, 'a refused alter changes nothing');

    const badConfig = await sandbox.run(['topic', 'alter', 'growing', '--config', 'retention.whenever=1']);
    assertOneErrorLine(badConfig, 2, 'alter with an unknown config');
    assertOneErrorLine(await sandbox.run(['topic', 'alter', 'no-such-topic', '-p', '2']), 1, 'alter of a missing topic');
  });

  test('delete removes the topic and its data; a new topic of the same name starts empty', async () => {
    assertExit(await sandbox.run(['produce', 'doomed', '--quiet'], { input: 'a\nb\n' }), 0);
    const deleted = await sandbox.run(['topic', 'delete', 'doomed']);
    assertExit(deleted, 0, 'topic delete');
    assertOneErrorLine(await sandbox.run(['topic', 'describe', 'doomed']), 1, 'describe after delete');
    const names = (await json<Array<{ name: string }>>(['topic', 'list', '--json'])).map((t) => t.name);
    assert.ok(!names.includes('doomed'));
    assertOneErrorLine(await sandbox.run(['topic', 'delete', 'doomed']), 1, 'second delete');
    assertExit(await sandbox.run(['topic', 'create', 'doomed']), 0);
    const consumed = await sandbox.run(['consume', 'doomed', '-e']);
    assertExit(consumed, 0);
    assert.equal(consumed.stdout.length, 0, 'the old records are gone');
  });

  test('a consumer following a topic that is deleted ends with exit 1 saying so', async () => {
    assertExit(await sandbox.run(['produce', 'vanishing', '--quiet'], { input: 'a\nb\n' }), 0);
    const consumer = sandbox.spawn(['consume', 'vanishing'], { stdin: 'ignore' });
    await consumer.waitFor((p) => p.stdoutLineCount === 2, 'the two records');
    assertExit(await sandbox.run(['topic', 'delete', 'vanishing']), 0);
    const line = assertOneErrorLine(await consumer.finish(), 1, 'consume of a deleted topic');
    assert.match(line, /^spool: vanishing\/0 no longer exists \(the topic was deleted while it was read\)$/);
  });

  test('offsets --json gives start and end per partition, and --at @TIME the first offset at or after it', async () => {
    const base = Date.now() - 10.5 * 3_600_000;
    const stamps = [0, 1, 2, 3, 4].map((hour) => base + hour * 3_600_000);
    const input = stamps.map((timestamp, i) => JSON.stringify({ value: `v${i}`, timestamp })).join('\n');
    assertExit(await sandbox.run(['produce', 'clock', '--json', '--quiet'], { input }), 0);

    const plain = await json<OffsetsJson[]>(['topic', 'offsets', 'clock', '--json']);
    assert.deepEqual(plain, [{ partition: 0, logStartOffset: 0, logEndOffset: 5 }]);
    const iso = await json<OffsetsJson[]>(['topic', 'offsets', 'clock', '--at', `@${new Date(stamps[2]! - 1).toISOString()}`, '--json']);
    assert.deepEqual(iso, [{ partition: 0, logStartOffset: 0, logEndOffset: 5, offset: 2 }]);
    const epoch = await json<OffsetsJson[]>(['topic', 'offsets', 'clock', '--at', `@${stamps[3]!}`, '--json']);
    assert.equal(epoch[0]?.offset, 3);
    const ago = await json<OffsetsJson[]>(['topic', 'offsets', 'clock', '--at', '@8h', '--json']);
    assert.equal(ago[0]?.offset, 3, 'records 3 and 4 are 7.5 and 6.5 hours old');
    const text = await sandbox.run(['topic', 'offsets', 'clock']);
    assertExit(text, 0);
    assert.match(text.stdout.toString('utf8'), /^\s*0\s+0\s+5\s*$/m);
    assertOneErrorLine(await sandbox.run(['topic', 'offsets', 'clock', '--at', '@whenever']), 2, 'offsets --at @whenever');
  });
});
