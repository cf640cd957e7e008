// e2e: the library's records against a real broker (SPEC §10): produce and consume round trips
// with binary keys, values and headers, byte for byte; Kafka's partitioner as `spool produce -K`
// applies it; records crossing between the library and the CLI both ways; concurrent sends
// sharing batches; from/until/partitions as -o/--until/-p take them; flush().
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, MessageTooLargeError, SpoolError, type ConsumedRecord, type SpoolClient } from '../../src/lib/index.js';
import { stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

async function collect(stream: AsyncIterable<ConsumedRecord>): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  for await (const record of stream) records.push(record);
  return records;
}

describe('e2e > library > records', () => {
  let sandbox: SpoolSandbox;
  let client: SpoolClient;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    client = await connect({ dataDir: sandbox.dataDir, autostart: false });
  });

  after(async () => {
    await client?.close();
    await sandbox.cleanup();
  });

  test('binary keys, values and headers come back byte for byte, with partitions, offsets and timestamps', async () => {
    await client.topics.create('binary', { partitions: 3 });
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const sent = [
      { key: every, value: Buffer.concat([every, every]), headers: [['bin', every], ['bin', Buffer.from([0])], ['text', 'é ok']] as Array<[string, Buffer | string]>, timestamp: 1_700_000_000_123 },
      { key: Buffer.from([0xff, 0xfe, 0x00]), value: 'a string value\r\n', timestamp: new Date(1_700_000_000_456) },
      { key: null, value: null, headers: { only: Buffer.alloc(0) }, partition: 2, timestamp: 1_700_000_000_789 },
      { value: Buffer.alloc(70_000, 0xab), partition: 1, timestamp: 1_700_000_001_000 },
    ];
    const acks = await client.producer().send('binary', sent);
    assert.equal(acks.length, 4);
    const records = await collect(client.consume('binary', { exitAtEnd: true }));
    assert.equal(records.length, 4);
    const byTimestamp = new Map(records.map((r) => [r.timestamp, r]));
    const first = byTimestamp.get(1_700_000_000_123)!;
    assert.deepEqual(first.key, every);
    assert.deepEqual(first.value, Buffer.concat([every, every]));
    assert.deepEqual(first.headers, [['bin', every], ['bin', Buffer.from([0])], ['text', Buffer.from('é ok')]]);
    assert.deepEqual({ partition: first.partition, offset: first.offset }, acks[0]);
    assert.equal(first.topic, 'binary');
    const second = byTimestamp.get(1_700_000_000_456)!;
    assert.deepEqual(second.key, Buffer.from([0xff, 0xfe, 0x00]));
    assert.equal(second.value?.toString('utf8'), 'a string value\r\n');
    assert.deepEqual(second.headers, []);
    assert.deepEqual({ partition: second.partition, offset: second.offset }, acks[1]);
    const tombstone = byTimestamp.get(1_700_000_000_789)!;
    assert.equal(tombstone.key, null);
    assert.equal(tombstone.value, null);
    assert.equal(tombstone.partition, 2);
    assert.deepEqual(tombstone.headers, [['only', Buffer.alloc(0)]]);
    const large = byTimestamp.get(1_700_000_001_000)!;
    assert.equal(large.partition, 1);
    assert.deepEqual(large.value, Buffer.alloc(70_000, 0xab));
  });

  test("keyed records land where `spool produce -K` puts them (Kafka's murmur2 partitioner)", async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `customer-${i}`);
    await client.topics.create('keyed-lib', { partitions: 5 });
    await client.topics.create('keyed-cli', { partitions: 5 });
    await client.producer().send('keyed-lib', keys.map((key) => ({ key, value: 'v' })));
    const produced = await sandbox.run(['produce', 'keyed-cli', '-K', ':', '-q'], { input: keys.map((k) => `${k}:v\n`).join('') });
    assert.equal(produced.code, 0, produced.stderr);
    const where = async (topic: string) => new Map((await collect(client.consume(topic, { exitAtEnd: true }))).map((r) => [r.key!.toString(), r.partition]));
    const lib = await where('keyed-lib');
    const cli = await where('keyed-cli');
    assert.equal(lib.size, 60);
    assert.deepEqual([...lib].sort(), [...cli].sort());
    assert.ok(new Set(lib.values()).size > 1, 'keys spread over partitions');
  });

  test('records cross between the library and the CLI both ways', async () => {
    await client.producer().send('crossing', [
      { key: 'k1', value: 'from the library', headers: { source: 'lib', bin: Buffer.from([0xc3, 0x28]) }, timestamp: 1_764_000_000_000 },
    ]);
    const consumed = await sandbox.run(['consume', 'crossing', '-e', '--format', 'json']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const envelope = JSON.parse(stdoutLines(consumed)[0]!) as Record<string, unknown>;
    assert.deepEqual(
      { key: envelope.key, value: envelope.value, timestamp: envelope.timestamp, source: (envelope.headers as Record<string, string>).source },
      { key: 'k1', value: 'from the library', timestamp: 1_764_000_000_000, source: 'lib' },
    );

    const produced = await sandbox.run(['produce', 'crossing', '-K', ':', '-H', 'via=cli', '-q'], { input: 'k2:from the CLI\n' });
    assert.equal(produced.code, 0, produced.stderr);
    const records = await collect(client.consume('crossing', { from: 1, exitAtEnd: true }));
    assert.equal(records.length, 1);
    assert.equal(records[0]!.offset, 1);
    assert.equal(records[0]!.key?.toString(), 'k2');
    assert.equal(records[0]!.value?.toString(), 'from the CLI');
    assert.deepEqual(records[0]!.headers, [['via', Buffer.from('cli')]]);
  });

  test('concurrent sends share batches and each resolves with its own offsets', async () => {
    await client.topics.create('concurrent', { partitions: 1 });
    const producer = client.producer({ lingerMs: 20 });
    const sends = Array.from({ length: 200 }, (_, i) => producer.send('concurrent', [{ value: `record ${i}` }]));
    const acks = (await Promise.all(sends)).map((a) => a[0]!);
    assert.deepEqual(
      acks.map((a) => a.offset).sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i),
    );
    const records = await collect(client.consume('concurrent', { exitAtEnd: true }));
    for (const ack of acks) {
      const i = acks.indexOf(ack);
      assert.equal(records[ack.offset]!.value?.toString(), `record ${i}`, `send ${i} resolved with the offset of its record`);
    }
    const dump = await sandbox.run(['dump', 'concurrent:0', '--json']);
    assert.equal(dump.code, 0, dump.stderr);
    const batches = stdoutLines(dump).length;
    assert.ok(batches >= 1 && batches <= 10, `200 concurrent sends went out in ${batches} batches`);
  });

  test('flush() waits for sends not awaited; durable sends are acknowledged', async () => {
    const producer = client.producer({ durable: true });
    const pending = [producer.send('flushed', { value: 'a' }), producer.send('flushed', { value: 'b' })];
    let settled = 0;
    for (const p of pending) void p.then(() => settled++);
    await producer.flush();
    assert.equal(settled, 2);
    const offsets = await client.topics.offsets('flushed');
    assert.deepEqual(offsets, [{ partition: 0, logStartOffset: 0, logEndOffset: 2 }]);
    await producer.close();
    await assert.rejects(producer.send('flushed', { value: 'c' }), (err: unknown) => err instanceof SpoolError && /closed/.test(err.message));
  });

  test('from, until and partitions take what -o, --until and -p take', async () => {
    await client.topics.create('positions', { partitions: 2 });
    const base = Date.now() - 60_000;
    await client.producer().send(
      'positions',
      Array.from({ length: 10 }, (_, i) => ({ value: `p0-${i}`, partition: 0, timestamp: base + i * 1000 })),
    );
    await client.producer().send('positions', [{ value: 'p1-0', partition: 1, timestamp: base }]);
    const values = async (options: Parameters<SpoolClient['consume']>[1]) =>
      (await collect(client.consume('positions', { exitAtEnd: true, ...options }))).map((r) => r.value!.toString());
    assert.deepEqual(await values({ partitions: [0], from: -2 }), ['p0-8', 'p0-9']);
    assert.deepEqual(await values({ partitions: [0], from: '-2' }), ['p0-8', 'p0-9']);
    assert.deepEqual(await values({ partitions: [0], from: 3, until: 5 }), ['p0-3', 'p0-4']);
    assert.deepEqual(await values({ partitions: [0], from: '3', until: '5' }), ['p0-3', 'p0-4']);
    assert.deepEqual(await values({ partitions: [0], from: `@${base + 7000}` }), ['p0-7', 'p0-8', 'p0-9']);
    assert.deepEqual(await values({ partitions: [0], from: new Date(base + 8000) }), ['p0-8', 'p0-9']);
    assert.deepEqual(await values({ partitions: [0], until: `@${base + 2000}` }), ['p0-0', 'p0-1']);
    assert.deepEqual(await values({ from: 'end' }), []);
    assert.deepEqual(await values({ partitions: [1] }), ['p1-0']);
    assert.equal((await values({})).length, 11);
  });

  test('a stream without exitAtEnd follows new records; break closes it', async () => {
    await client.topics.create('follow');
    const stream = client.consume('follow');
    const got: string[] = [];
    const reading = (async () => {
      for await (const record of stream) {
        got.push(record.value!.toString());
        if (got.length === 3) break;
      }
    })();
    const producer = client.producer({ lingerMs: 0 });
    for (const value of ['one', 'two', 'three', 'four']) {
      await producer.send('follow', { value });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await reading;
    assert.deepEqual(got, ['one', 'two', 'three']);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  test('a bad record fails its whole send, before anything of it is sent', async () => {
    await client.topics.create('checked', { partitions: 2, configs: { 'max.message.bytes': 2048 } });
    const producer = client.producer();
    await assert.rejects(
      producer.send('checked', [{ value: 'fine' }, { value: Buffer.alloc(4000) }]),
      (err: unknown) => err instanceof MessageTooLargeError && /^record 1: message is 4000 bytes, over max\.message\.bytes 2048$/.test(err.message),
    );
    await assert.rejects(
      producer.send('checked', { value: 'x', partition: 7 }),
      (err: unknown) => err instanceof SpoolError && err.message === 'topic "checked" has 2 partition(s); partition 7 does not exist',
    );
    assert.deepEqual(await producer.send('checked', { value: 'after', partition: 1 }), [{ partition: 1, offset: 0 }]);
    const offsets = await client.topics.offsets('checked');
    assert.deepEqual(offsets.map((o) => o.logEndOffset), [0, 1]);
  });
});
