// e2e: keys, headers and null values (SPEC §3 produce), how consume shows them (-f templates and
// the JSON envelope of SPEC §4), and which partition a key lands on: Kafka's murmur2 partitioner,
// checked against what librdkafka chose (shared/fixtures/murmur2.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SHARED_FIXTURES_DIR, assertExit, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

interface Murmur2Fixture {
  vectors: Array<{ cases: Array<{ key: string | null; toPositive: number }> }>;
  librdkafkaObservedPartitions: { partitionCount: number; observations: Array<{ key: string; partition: number }> };
}

const ENVELOPE_KEYS = ['topic', 'partition', 'offset', 'timestamp', 'key', 'value', 'headers'];

function readMurmur2Fixture(): Murmur2Fixture {
  return JSON.parse(readFileSync(join(SHARED_FIXTURES_DIR, 'murmur2.json'), 'utf8')) as Murmur2Fixture;
}

/** key → the set of partitions it was read from, out of `%k\t%p` lines. */
function partitionsByKey(lines: string[]): Map<string, Set<number>> {
  const byKey = new Map<string, Set<number>>();
  for (const line of lines) {
    const tab = line.lastIndexOf('\t');
    const key = line.slice(0, tab);
    const set = byKey.get(key) ?? new Set<number>();
    set.add(Number(line.slice(tab + 1)));
    byKey.set(key, set);
  }
  return byKey;
}

describe('e2e > keys, headers and partitions', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('-K splits each line at the first separator into key and value', async () => {
    const input = 'user1:login\nuser2:a:b\n:no key text\nuser3:\n';
    assertExit(await sandbox.run(['produce', 'split', '-K', ':', '--quiet'], { input }), 0, 'produce -K');
    const consumed = await sandbox.run(['consume', 'split', '-e', '-f', '<%k>=<%s> %K/%S\\n']);
    assertExit(consumed, 0);
    assert.deepEqual(stdoutLines(consumed), ['<user1>=<login> 5/5', '<user2>=<a:b> 5/3', '<>=<no key text> 0/11', '<user3>=<> 5/0']);
  });

  test('-k and -H set one key and headers on every message; -H K alone is a null header value', async () => {
    const startMs = Date.now();
    const produced = await sandbox.run(['produce', 'headers', '-k', 'grüße', '-H', 'app=spool', '-H', 'eq=a=b', '-H', 'flag', '--quiet'], { input: 'x\ny\n' });
    const afterMs = Date.now();
    assertExit(produced, 0, 'produce -k -H');
    const json = await sandbox.run(['consume', 'headers', '-e', '--format', 'json']);
    assertExit(json, 0);
    const lines = stdoutLines(json);
    assert.equal(lines.length, 2);
    lines.forEach((line, offset) => {
      const envelope = JSON.parse(line) as Record<string, unknown>;
      assert.deepEqual(Object.keys(envelope), ENVELOPE_KEYS, 'envelope key order');
      const timestamp = envelope.timestamp as number;
      assert.ok(Number.isSafeInteger(timestamp) && timestamp >= startMs - 1000 && timestamp <= afterMs + 1000, `timestamp ${timestamp}`);
      const expected = { topic: 'headers', partition: 0, offset, timestamp, key: 'grüße', value: offset === 0 ? 'x' : 'y', headers: { app: 'spool', eq: 'a=b', flag: null } };
      assert.equal(line, JSON.stringify(expected), 'the exact envelope: no spaces, fields in order');
    });
    const template = await sandbox.run(['consume', 'headers', '-e', '-f', '%t|%p|%o|%k|%K|%s|%S|%h\\n']);
    const [first] = stdoutLines(template);
    assert.ok(first !== undefined);
    // %K counts bytes: "grüße" is 7 bytes of UTF-8.
    assert.ok(first.startsWith('headers|0|0|grüße|7|x|1|app=spool,eq=a=b,flag'), first);
  });

  test('-Z turns an empty value into null; without it an empty line is an empty value', async () => {
    assertExit(await sandbox.run(['produce', 'nulls', '-K', ':', '-Z', '--quiet'], { input: 'k1:v1\nk2:\n' }), 0, 'produce -K -Z');
    assertExit(await sandbox.run(['produce', 'nulls', '-k', 'k', '-Z', '--quiet'], { input: 'v\n\n' }), 0, 'produce -Z');
    assertExit(await sandbox.run(['produce', 'nulls', '-k', 'k', '--quiet'], { input: '\n' }), 0, 'produce without -Z');
    const consumed = await sandbox.run(['consume', 'nulls', '-e', '--format', 'json']);
    const lines = stdoutLines(consumed);
    const records = lines.map((line) => JSON.parse(line) as { timestamp: number; key: string | null; value: string | null });
    const tombstone = { topic: 'nulls', partition: 0, offset: 1, timestamp: records[1]?.timestamp, key: 'k2', value: null, headers: {} };
    assert.equal(lines[1], JSON.stringify(tombstone), 'a null value is JSON null');
    assert.deepEqual(
      records.map((r) => [r.key, r.value]),
      [['k1', 'v1'], ['k2', null], ['k', 'v'], ['k', null], ['k', '']],
    );
    const template = await sandbox.run(['consume', 'nulls', '-e', '-f', '[%k][%s]\\n']);
    assert.deepEqual(stdoutLines(template), ['[k1][v1]', '[k2][]', '[k][v]', '[k][]', '[k][]'], 'null prints as empty');
  });

  test('--format json writes bytes that are not UTF-8 as base64 with keyEncoding and valueEncoding', async () => {
    const envelope = {
      topic: 'ignored',
      partition: 0,
      offset: 99,
      timestamp: 1700000000000,
      key: Buffer.from([0xff, 0x00, 0xfe]).toString('base64'),
      keyEncoding: 'base64',
      value: Buffer.from([0x80, 0x81, 0x41]).toString('base64'),
      valueEncoding: 'base64',
      headers: { h: 'v' },
    };
    const produced = await sandbox.run(['produce', 'binary', '--json', '--quiet'], { input: JSON.stringify(envelope) + '\n' });
    assertExit(produced, 0, 'produce --json');
    // Raw bytes on stdin are kept as they are, too.
    assertExit(await sandbox.run(['produce', 'binary', '--quiet'], { input: Buffer.from([0xc3, 0x28, 0x0a]) }), 0);
    const json = await sandbox.run(['consume', 'binary', '-e', '--format', 'json']);
    assertExit(json, 0);
    const [first, second] = stdoutLines(json);
    assert.equal(first, JSON.stringify({ ...envelope, topic: 'binary', offset: 0 }));
    const raw = JSON.parse(second ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(raw), ['topic', 'partition', 'offset', 'timestamp', 'key', 'value', 'valueEncoding', 'headers']);
    assert.equal(raw.value, Buffer.from([0xc3, 0x28]).toString('base64'));
    const values = await sandbox.run(['consume', 'binary', '-e']);
    assert.ok(values.stdout.equals(Buffer.from([0x80, 0x81, 0x41, 0x0a, 0xc3, 0x28, 0x0a])), 'consume writes the bytes back as they are');
  });

  test('templates print %T as epoch ms, %d as ISO-8601 UTC with milliseconds, and \\t and \\\\', async () => {
    const envelope = { key: 'k', value: 'v', timestamp: 1764000000123 };
    assertExit(await sandbox.run(['produce', 'times', '--json', '--quiet'], { input: JSON.stringify(envelope) }), 0);
    const consumed = await sandbox.run(['consume', 'times', '-e', '-f', '%T\\t%d\\\\%k\\n']);
    assertExit(consumed, 0);
    assert.equal(consumed.stdout.toString('utf8'), '1764000000123\t2025-11-24T16:00:00.123Z\\k\n');
  });

  test('keyed messages land on murmur2(key) % 4 exactly as librdkafka chose', async () => {
    const { librdkafkaObservedPartitions: observed } = readMurmur2Fixture();
    const topic = 'murmur-four';
    assertExit(await sandbox.run(['topic', 'create', topic, '-p', String(observed.partitionCount)]), 0, 'topic create');
    const input = observed.observations.flatMap((o) => [0, 1, 2].map((i) => `${o.key}\t${i}`)).join('\n');
    assertExit(await sandbox.run(['produce', topic, '-K', '\t', '--quiet'], { input }), 0, 'produce -K TAB');
    const consumed = await sandbox.run(['consume', topic, '-e', '-f', '%k\\t%p\\n']);
    assertExit(consumed, 0);
    const byKey = partitionsByKey(stdoutLines(consumed));
    assert.equal(byKey.size, observed.observations.length);
    for (const { key, partition } of observed.observations) {
      assert.deepEqual([...(byKey.get(key) ?? [])], [partition], `key ${JSON.stringify(key)}`);
    }
  });

  test('on 3 partitions every key keeps one partition, toPositive(murmur2(key)) % 3', async () => {
    const fixture = readMurmur2Fixture();
    const known = new Map<string, number>();
    for (const vector of fixture.vectors) {
      for (const c of vector.cases) if (c.key !== null) known.set(c.key, c.toPositive % 3);
    }
    const topic = 'murmur-three';
    assertExit(await sandbox.run(['topic', 'create', topic, '-p', '3']), 0);
    const keys = [...known.keys(), ...Array.from({ length: 60 }, (_, i) => `user-${i}`)];
    const input = [0, 1, 2, 3].flatMap((round) => keys.map((key) => `${key}\t${round}`)).join('\n') + '\n';
    assertExit(await sandbox.run(['produce', topic, '-K', '\t', '--quiet'], { input }), 0);
    const byKey = partitionsByKey(stdoutLines(await sandbox.run(['consume', topic, '-e', '-f', '%k\\t%p\\n'])));
    assert.equal(byKey.size, keys.length);
    for (const [key, partitions] of byKey) assert.equal(partitions.size, 1, `key ${JSON.stringify(key)} is on partitions ${[...partitions]}`);
    for (const [key, partition] of known) assert.deepEqual([...byKey.get(key)!], [partition], `key ${JSON.stringify(key)}`);
    const used = new Set([...byKey.values()].flatMap((s) => [...s]));
    assert.deepEqual([...used].sort(), [0, 1, 2], 'keys spread over all partitions');
    // Per key, the order of its messages is kept.
    const rounds = await sandbox.run(['consume', topic, '-e', '-f', '%k\\t%s\\n']);
    const seen = new Map<string, string[]>();
    for (const line of stdoutLines(rounds)) {
      const [key = '', round = ''] = line.split('\t');
      seen.set(key, [...(seen.get(key) ?? []), round]);
    }
    for (const [key, order] of seen) assert.deepEqual(order, ['0', '1', '2', '3'], `order of key ${key}`);
  });
});
