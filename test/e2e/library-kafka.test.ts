// e2e: the library against a Kafka cluster (SPEC §10 with §9): connect({ broker: 'kafka://…' })
// to the Kafka listener of `spool broker start --kafka` gives the same API as the local socket.
// Records round-trip byte for byte and are the ones the local socket sees; admin calls answer
// with the same objects both ways; a group commits what the loop received; properties take
// librdkafka's names, and an unknown one is a UsageError.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BrokerUnavailableError, connect, TopicNotFoundError, UsageError, type ConsumedRecord, type SpoolClient } from '../../src/lib/index.js';
import { kafkaSandbox } from '../helpers/kafka-clients.js';
import type { SpoolSandbox } from '../helpers/spool-sandbox.js';

async function collect(stream: AsyncIterable<ConsumedRecord>): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  for await (const record of stream) records.push(record);
  return records;
}

/** What a record is, without where it was read from. */
function content(r: ConsumedRecord): unknown {
  return { partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers };
}

describe('e2e > library > a Kafka cluster (kafka://)', () => {
  let sandbox: SpoolSandbox;
  let remote: SpoolClient;
  let local: SpoolClient;
  let bootstrap: string;

  before(async () => {
    ({ sandbox, bootstrap } = await kafkaSandbox());
    remote = await connect({ broker: `kafka://${bootstrap}`, properties: { 'client.id': 'library-test' } });
    local = await connect({ dataDir: sandbox.dataDir, autostart: false });
  });

  after(async () => {
    await remote?.close();
    await local?.close();
    await sandbox.cleanup();
  });

  test('records sent through kafka:// come back byte for byte, through kafka:// and the socket alike', async () => {
    await remote.topics.create('remote-records', { partitions: 3 });
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const acks = await remote.producer().send('remote-records', [
      { key: every, value: every, headers: [['bin', every], ['text', 'ok']], timestamp: 1_764_000_000_000 },
      { key: 'customer-7', value: 'plain text', timestamp: 1_764_000_000_001 },
      { value: Buffer.alloc(50_000, 7), partition: 2, timestamp: 1_764_000_000_002 },
    ]);
    assert.equal(acks.length, 3);
    assert.equal(acks[2]!.partition, 2);
    const throughKafka = await collect(remote.consume('remote-records', { exitAtEnd: true }));
    const throughSocket = await collect(local.consume('remote-records', { exitAtEnd: true }));
    const order = (rs: ConsumedRecord[]) => rs.map(content).sort((a, b) => (a as { timestamp: number }).timestamp - (b as { timestamp: number }).timestamp);
    assert.deepEqual(order(throughKafka), order(throughSocket));
    const first = throughKafka.find((r) => r.timestamp === 1_764_000_000_000)!;
    assert.deepEqual(first.key, every);
    assert.deepEqual(first.value, every);
    assert.deepEqual(first.headers, [['bin', every], ['text', Buffer.from('ok')]]);
    assert.deepEqual({ partition: first.partition, offset: first.offset }, acks[0]);
    // Kafka's partitioner either way: the same key lands in the same partition through the socket.
    const [viaSocket] = await local.producer().send('remote-records', { key: 'customer-7', value: 'again' });
    assert.equal(viaSocket!.partition, acks[1]!.partition);
  });

  test('admin calls answer with the same objects through kafka:// as through the socket', async () => {
    await remote.topics.create('remote-admin', { partitions: 2, configs: { 'retention.ms': 3_600_000 } });
    await remote.producer().send('remote-admin', [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    assert.deepEqual(await remote.topics.offsets('remote-admin'), await local.topics.offsets('remote-admin'));
    const described = await remote.topics.describe('remote-admin');
    assert.equal(described.configs['retention.ms'], 3_600_000);
    assert.deepEqual(described.partitions.map((p) => p.logEndOffset), (await local.topics.describe('remote-admin')).partitions.map((p) => p.logEndOffset));
    assert.ok((await remote.topics.list()).some((t) => t.name === 'remote-admin' && t.partitions === 2 && t.messages === 2));
    await remote.topics.alter('remote-admin', { partitions: 3 });
    assert.equal((await local.topics.describe('remote-admin')).partitions.length, 3);
    await assert.rejects(remote.topics.describe('remote-missing'), TopicNotFoundError);
    await remote.topics.delete('remote-admin');
    await assert.rejects(local.topics.describe('remote-admin'), TopicNotFoundError);
  });

  test('a group through kafka:// commits what the loop received; the socket resumes after it', async () => {
    await remote.topics.create('remote-group', { partitions: 1 });
    await remote.producer().send('remote-group', Array.from({ length: 10 }, (_, i) => ({ value: `r${i}` })));
    const seen: string[] = [];
    for await (const record of remote.consume('remote-group', { group: 'remote-g' })) {
      seen.push(record.value!.toString());
      if (seen.length === 6) break;
    }
    assert.deepEqual(seen, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    const described = await remote.groups.describe('remote-g');
    assert.equal(described.partitions[0]!.committedOffset, 6);
    const rest = (await collect(local.consume('remote-group', { group: 'remote-g', exitAtEnd: true }))).map((r) => r.value!.toString());
    assert.deepEqual(rest, ['r6', 'r7', 'r8', 'r9']);
  });

  test('properties take librdkafka names; an unknown one, or an unreachable cluster, is told clearly', async () => {
    await assert.rejects(connect({ broker: `kafka://${bootstrap}`, properties: { 'no.such.property': 'x' } }), UsageError);
    await assert.rejects(connect({ broker: 'kafka://127.0.0.1:1', properties: { 'socket.connection.setup.timeout.ms': '2000' } }), (err: unknown) => {
      assert.ok(err instanceof BrokerUnavailableError, String(err));
      assert.match(err.message, /127\.0\.0\.1:1/);
      return true;
    });
  });
});
