// e2e: kafkajs (2.x, pure JavaScript, in this test process) against spool's Kafka listener
// (SPEC §8). What kafkajs writes, `spool consume --format json` reads field for field; what
// `spool produce` writes, kafkajs reads the same; keyed records land where `spool produce -K`
// puts the same keys; offsets for a time, the admin API and its errors, gzip batches and an
// idempotent producer are checked against spool's own view (`topic describe/offsets/list`, `dump`).
//
// What kafkajs cannot do, and so is not tested here: it consumes only in a group (no assign());
// it compresses and decompresses gzip only (snappy, lz4 and zstd need codec packages it does not
// ship); it has no IncrementalAlterConfigs; createTopics answers `false` for a topic that exists
// instead of failing (it swallows TOPIC_ALREADY_EXISTS); it cannot write a header with a null value
// (its encoder takes the length of the value), though it reads one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import kafkajs, { type IHeaders, type Message, type Producer } from 'kafkajs';
import { kafkaSandbox } from '../helpers/kafka-clients.js';
import {
  byPosition,
  groupedHeaders,
  manyKeys,
  produceWithSpool,
  spoolBatches,
  spoolDescribe,
  spoolOffsets,
  spoolRecords,
  spoolTopicNames,
  type RecordView,
} from '../helpers/kafka-record-views.js';
import { assertExit } from '../helpers/spool-cli.js';
import type { SpoolSandbox } from '../helpers/spool-sandbox.js';

// kafkajs is CommonJS: its enums are not found as named exports of an ES module.
const { CompressionTypes, ConfigResourceTypes, Kafka, logLevel } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;
const WAIT_MS = 30_000;

function bytes(value: Buffer | string | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
}

function headerList(headers: IHeaders | undefined): Array<[string, Buffer | null]> {
  return Object.entries(headers ?? {}).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((one): [string, Buffer | null] => [key, bytes(one)]),
  );
}

describe('e2e > Kafka listener with kafkajs', () => {
  let sandbox: SpoolSandbox;
  let kafka: Kafka;
  const producers: Producer[] = [];
  let groups = 0;

  before(async () => {
    let bootstrap: string;
    ({ sandbox, bootstrap } = await kafkaSandbox());
    kafka = new Kafka({ brokers: [bootstrap], clientId: 'kafkajs-e2e', logLevel: logLevel.NOTHING });
  });

  after(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await sandbox?.cleanup();
  });

  async function producer(options: Parameters<Kafka['producer']>[0] = {}): Promise<Producer> {
    const p = kafka.producer({ allowAutoTopicCreation: true, ...options });
    producers.push(p);
    await p.connect();
    return p;
  }

  /** Every record of `topic` as a kafkajs group member (a new group) reads it from the beginning. */
  async function readWithKafkajs(topic: string, count: number): Promise<RecordView[]> {
    const consumer = kafka.consumer({ groupId: `kafkajs-reader-${++groups}`, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    const read: RecordView[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let enough: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (enough = resolve));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          read.push({
            partition,
            offset: Number(message.offset),
            timestamp: Number(message.timestamp),
            key: message.key,
            value: message.value,
            headers: headerList(message.headers),
          });
          if (read.length >= count) enough();
        },
      });
      const timeout = setTimeout(enough, WAIT_MS);
      await done;
      clearTimeout(timeout);
      // Anything past `count` would be a duplicate or a stray record: give it a moment to show.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await consumer.disconnect();
    }
    return read.sort(byPosition);
  }

  test('records with keys, headers, a null and an empty value and binary bytes: kafkajs and spool consume read what kafkajs wrote, field by field', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'kjs-rt', '-p', '2']), 0);
    const binaryKey = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const binaryValue = Buffer.from([0x00, 0xc3, 0x28, 0xff]);
    const messages: Array<Message & { partition: number }> = [
      { partition: 0, key: 'k1', value: 'v1', headers: { h1: 'a', h2: 'b' }, timestamp: '1700000000000' },
      { partition: 0, key: 'tomb', value: null, headers: { dup: ['x', 'y'] }, timestamp: '1700000001000' },
      { partition: 1, key: 'empty', value: '', timestamp: '1700000002000' },
      { partition: 1, key: binaryKey, value: binaryValue, headers: { bin: Buffer.from([0xc3, 0x28]) }, timestamp: '1690000000000' },
      { partition: 0, key: null, value: 'grüße 世界', timestamp: '1700000003000' },
    ];
    const p = await producer();
    const sent = await p.send({ topic: 'kjs-rt', messages });
    assert.deepEqual(sent.map((r) => [r.partition, r.baseOffset, r.errorCode]).sort(), [[0, '0', 0], [1, '0', 0]]);
    const next = [0, 0];
    const expected: RecordView[] = messages
      .map((m) => ({
        partition: m.partition,
        offset: next[m.partition]!++,
        timestamp: Number(m.timestamp),
        key: bytes(m.key),
        value: bytes(m.value),
        headers: headerList(m.headers),
      }))
      .sort(byPosition);
    const bySpool = await spoolRecords(sandbox, 'kjs-rt');
    assert.deepEqual(bySpool, expected, 'spool consume --format json shows what kafkajs sent');
    // The envelope marks the bytes that are not UTF-8 as base64 (checked on the raw line too).
    const raw = await sandbox.run(['consume', 'kjs-rt', '-p', '1', '-e', '--format', 'json']);
    const binary = raw.stdout.toString().split('\n').find((l) => l.includes('"keyEncoding"'));
    assert.ok(binary !== undefined, 'one line carries base64 bytes');
    assert.deepEqual(JSON.parse(binary), {
      topic: 'kjs-rt', partition: 1, offset: 1, timestamp: 1690000000000,
      key: binaryKey.toString('base64'), keyEncoding: 'base64', value: binaryValue.toString('base64'), valueEncoding: 'base64',
      headers: { bin: 'wyg=' }, headerEncodings: { bin: 'base64' },
    });
    assert.deepEqual(await readWithKafkajs('kjs-rt', expected.length), expected, 'kafkajs reads back what it sent');
  });

  test('kafkajs reads what spool produce wrote (-K, -H, and --json with timestamps and base64 bytes), field by field', async () => {
    const bySpool = await produceWithSpool(sandbox, 'kjs-from-spool');
    // kafkajs returns headers as an object: repeated keys become an array, as in the envelope.
    const byKafkajs = (await readWithKafkajs('kjs-from-spool', bySpool.length)).map((r) => ({ ...r, headers: groupedHeaders(r.headers) }));
    assert.deepEqual(byKafkajs, bySpool);
  });

  test('keyed records land in the partitions of Kafka’s murmur2 partitioner, as with spool produce -K (kafkajs’s DefaultPartitioner)', async () => {
    const keys = manyKeys(60);
    for (const topic of ['kjs-keyed', 'kjs-keyed-spool']) assertExit(await sandbox.run(['topic', 'create', topic, '-p', '3']), 0);
    const p = await producer();
    await p.send({ topic: 'kjs-keyed', messages: keys.map((k) => ({ key: k, value: k })) });
    assertExit(await sandbox.run(['produce', 'kjs-keyed-spool', '-K:'], { input: keys.map((k) => `${k}:${k}`).join('\n') + '\n' }), 0);
    const where = async (topic: string) => Object.fromEntries((await spoolRecords(sandbox, topic)).map((r) => [r.key!.toString(), r.partition]));
    const viaKafkajs = await where('kjs-keyed');
    assert.equal(Object.keys(viaKafkajs).length, keys.length);
    assert.deepEqual(viaKafkajs, await where('kjs-keyed-spool'));
    assert.deepEqual(new Set(Object.values(viaKafkajs)), new Set([0, 1, 2]), 'the keys spread over all three partitions');
  });

  test('offsets for a timestamp (admin.fetchTopicOffsetsByTimestamp) agree with spool topic offsets --at', async () => {
    const base = 1_750_000_000_000;
    const p = await producer();
    assertExit(await sandbox.run(['topic', 'create', 'kjs-timed', '-p', '2']), 0);
    await p.send({
      topic: 'kjs-timed',
      messages: [0, 1000, 2000, 3000, 4000].map((d, i) => ({ partition: i % 2, value: `r${i}`, timestamp: String(base + d) })),
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const at of [base - 1, base + 500, base + 1500, base + 3000, base + 4000, base + 9000]) {
        const byKafkajs = (await admin.fetchTopicOffsetsByTimestamp('kjs-timed', at)).map((o) => ({ partition: o.partition, offset: Number(o.offset) })).sort((a, b) => a.partition - b.partition);
        const bySpool = (await spoolOffsets(sandbox, 'kjs-timed', at)).map((o) => ({ partition: o.partition, offset: o.offset }));
        assert.deepEqual(byKafkajs, bySpool, `offsets at ${at}`);
      }
      // The values themselves: p0 holds base+0, +2000, +4000; p1 holds +1000, +3000.
      assert.deepEqual((await spoolOffsets(sandbox, 'kjs-timed', base + 1500)).map((o) => o.offset), [1, 1]);
      // Past the last record kafkajs answers the end offset (it replaces Kafka's -1), as spool does.
      assert.deepEqual((await admin.fetchTopicOffsetsByTimestamp('kjs-timed', base + 9000)).map((o) => o.offset), ['3', '2']);
    } finally {
      await admin.disconnect();
    }
  });

  test('admin: create (partitions, a config), describe and alter configs, create partitions, delete records, delete; and the errors a user meets', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.equal(await admin.createTopics({ topics: [{ topic: 'kjs-adm', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] }), true);
      let described = await spoolDescribe(sandbox, 'kjs-adm');
      assert.equal(described.partitions.length, 2);
      assert.equal(described.configs['retention.ms'], 3600000);
      assert.ok(!described.defaults.includes('retention.ms'));
      // kafkajs turns TOPIC_ALREADY_EXISTS into `false`; spool did answer it (else `true`).
      assert.equal(await admin.createTopics({ topics: [{ topic: 'kjs-adm', numPartitions: 4 }] }), false);
      assert.equal((await spoolDescribe(sandbox, 'kjs-adm')).partitions.length, 2, 'the topic is unchanged');
      await assert.rejects(admin.createTopics({ topics: [{ topic: 'kjs-adm3', numPartitions: 1, replicationFactor: 3 }] }), (err: Error & { errors?: Array<{ type: string }> }) => {
        assert.deepEqual(err.errors?.map((e) => e.type), ['INVALID_REPLICATION_FACTOR']);
        return true;
      });
      assert.ok(!(await spoolTopicNames(sandbox)).includes('kjs-adm3'));

      const [resource] = (await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-adm' }], includeSynonyms: false })).resources;
      const entries = Object.fromEntries(resource!.configEntries.map((c) => [c.configName, [c.configValue, c.isDefault]]));
      assert.deepEqual(entries, Object.fromEntries(Object.entries(described.configs).map(([k, v]) => [k, [String(v), described.defaults.includes(k)]])), 'DescribeConfigs shows spool’s configs and defaults');

      const alteration = [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-adm', configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'max.message.bytes', value: '2000000' }] }];
      await admin.alterConfigs({ validateOnly: true, resources: alteration });
      assert.deepEqual((await spoolDescribe(sandbox, 'kjs-adm')).configs, described.configs, 'validateOnly changes nothing');
      await admin.alterConfigs({ validateOnly: false, resources: alteration });
      described = await spoolDescribe(sandbox, 'kjs-adm');
      assert.equal(described.configs['cleanup.policy'], 'compact');
      assert.equal(described.configs['max.message.bytes'], 2000000);
      assert.equal(described.configs['retention.ms'], 604800000, 'AlterConfigs replaces the whole set: retention.ms went back to its default');
      await assert.rejects(
        admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-adm', configEntries: [{ name: 'retention.ms', value: 'soon' }] }] }),
        (err: Error & { type?: string }) => err.type === 'INVALID_CONFIG' || /INVALID_CONFIG|invalid/i.test(err.message),
      );
      assert.equal((await spoolDescribe(sandbox, 'kjs-adm')).configs['cleanup.policy'], 'compact', 'a refused change changes nothing');

      await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-adm', count: 5 }] });
      assert.equal((await spoolDescribe(sandbox, 'kjs-adm')).partitions.length, 5);
      await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic: 'kjs-adm', count: 3 }] }), (err: Error & { type?: string }) => err.type === 'INVALID_PARTITIONS');
      assert.equal((await spoolDescribe(sandbox, 'kjs-adm')).partitions.length, 5);

      const p = await producer();
      // The topic is compacted now: a record without a key is refused, as Kafka refuses it.
      await assert.rejects(p.send({ topic: 'kjs-adm', messages: [{ partition: 0, value: 'no key' }] }), (err: Error & { type?: string }) => err.type === 'INVALID_RECORD');
      await p.send({ topic: 'kjs-adm', messages: Array.from({ length: 13 }, (_, i) => ({ partition: i < 10 ? 0 : 1, key: `k${i}`, value: `m${i}` })) });
      await admin.deleteTopicRecords({ topic: 'kjs-adm', partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '-1' }] });
      const offsets = await spoolOffsets(sandbox, 'kjs-adm');
      assert.deepEqual(offsets.slice(0, 2), [
        { partition: 0, logStartOffset: 4, logEndOffset: 10 },
        { partition: 1, logStartOffset: 3, logEndOffset: 3 },
      ], 'records before offset 4 of p0 and all of p1 (-1: up to the end) are gone');
      assert.deepEqual((await spoolRecords(sandbox, 'kjs-adm')).map((r) => r.value!.toString()), ['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);
      const low = await admin.fetchTopicOffsets('kjs-adm');
      assert.deepEqual(low.filter((o) => o.partition < 2).sort((a, b) => a.partition - b.partition).map((o) => [o.low, o.high]), [['4', '10'], ['3', '3']]);

      await admin.deleteTopics({ topics: ['kjs-adm'] });
      assert.ok(!(await spoolTopicNames(sandbox)).includes('kjs-adm'));
      // kafkajs retries UNKNOWN_TOPIC_OR_PARTITION (a topic may yet appear): an admin that does not.
      const once = kafka.admin({ retry: { retries: 0 } });
      await once.connect();
      await assert.rejects(once.deleteTopics({ topics: ['kjs-adm'] }), (err: Error & { cause?: { type?: string } }) => err.cause?.type === 'UNKNOWN_TOPIC_OR_PARTITION');
      await once.disconnect();
    } finally {
      await admin.disconnect();
    }
  });

  test('gzip batches kafkajs writes are stored as gzip and read by spool consume; kafkajs reads spool’s gzip batches', async () => {
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 7}`, value: `line ${i} ${'the quick brown fox '.repeat(i % 5)}`, headers: { n: String(i) }, partition: 0 }));
    const p = await producer();
    await p.send({ topic: 'kjs-gzip', compression: CompressionTypes.GZIP, messages: messages.slice(0, 150) });
    await p.send({ topic: 'kjs-gzip', compression: CompressionTypes.GZIP, messages: messages.slice(150) });
    const bySpool = await spoolRecords(sandbox, 'kjs-gzip');
    assert.deepEqual(bySpool.map((r) => [r.offset, r.key!.toString(), r.value!.toString(), r.headers[0]![1]!.toString()]), messages.map((m, i) => [i, m.key, m.value, m.headers.n]));
    const batches = await spoolBatches(sandbox, 'kjs-gzip:0');
    assert.deepEqual(batches.map((b) => [b.baseOffset, b.count, b.compression, b.crcValid]), [[0, 150, 'gzip', true], [150, 150, 'gzip', true]], 'stored as sent: two gzip batches');

    const input = messages.map((m) => `${m.key}:${m.value}`).join('\n') + '\n';
    assertExit(await sandbox.run(['produce', 'kjs-gzip-spool', '-K:', '-z', 'gzip'], { input }), 0);
    assert.ok((await spoolBatches(sandbox, 'kjs-gzip-spool:0')).every((b) => b.compression === 'gzip'));
    const fromSpool = await spoolRecords(sandbox, 'kjs-gzip-spool');
    assert.deepEqual(await readWithKafkajs('kjs-gzip-spool', fromSpool.length), fromSpool);
  });

  test('an idempotent producer: spool dump shows its producer id, epoch and base sequences; a plain one has none', async () => {
    const idem = await producer({ idempotent: true, maxInFlightRequests: 1 });
    await idem.send({ topic: 'kjs-idem', messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await idem.send({ topic: 'kjs-idem', messages: [{ value: 'd' }, { value: 'e' }] });
    const plain = await producer();
    await plain.send({ topic: 'kjs-idem', messages: [{ value: 'f' }] });
    const batches = await spoolBatches(sandbox, 'kjs-idem:0');
    assert.equal(batches.length, 3);
    const [first, second, third] = batches as [typeof batches[0], typeof batches[0], typeof batches[0]];
    assert.ok(first.producerId >= 0, `a producer id from InitProducerId, got ${first.producerId}`);
    assert.deepEqual([second.producerId, second.producerEpoch], [first.producerId, first.producerEpoch]);
    assert.equal(first.producerEpoch, 0);
    assert.deepEqual(batches.slice(0, 2).map((b) => [b.baseOffset, b.count, b.baseSequence, b.lastSequence]), [[0, 3, 0, 2], [3, 2, 3, 4]]);
    // kafkajs fills a plain batch's epoch and sequence with 0; producer id -1 says it is not idempotent.
    assert.deepEqual([third.baseOffset, third.producerId], [5, -1], 'a plain producer’s batch carries no producer id');
    assert.deepEqual((await spoolRecords(sandbox, 'kjs-idem')).map((r) => r.value!.toString()), ['a', 'b', 'c', 'd', 'e', 'f']);
    // A second idempotent producer is a new producer id.
    const other = await producer({ idempotent: true, maxInFlightRequests: 1 });
    await other.send({ topic: 'kjs-idem', messages: [{ value: 'g' }] });
    const last = (await spoolBatches(sandbox, 'kjs-idem:0')).at(-1)!;
    assert.ok(last.producerId >= 0 && last.producerId !== first.producerId);
    assert.equal(last.baseSequence, 0);
  });
});
