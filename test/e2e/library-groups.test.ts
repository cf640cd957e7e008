// e2e: consumer groups through the library (SPEC §10, §5): what the loop has received is
// committed as `spool consume -g` commits (every commit interval, on break, at the end); a
// program killed with SIGKILL is followed by one that resumes where the first committed; a
// broker killed and restarted under a running loop is waited for, and the loop goes on without
// losing or repeating a record; members share partitions; the CLI continues where it stopped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type ConsumedRecord, type SpoolClient } from '../../src/lib/index.js';
import { linkSpoolPackage, spawnLibraryScript, writeLibraryScript } from '../helpers/library-scripts.js';
import { stdoutLines, textLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

/** A program that consumes TOPIC with GROUP, prints each offset, and after N records stops pulling. */
const CONSUMER_SCRIPT = `
import { connect } from 'spool';
const [dataDir, topic, group, stopAfter, commitIntervalMs] = process.argv.slice(2);
const client = await connect({ dataDir, autostart: false });
let received = 0;
for await (const record of client.consume(topic, { group, exitAtEnd: true, commitIntervalMs: Number(commitIntervalMs) })) {
  console.log(record.offset);
  if (++received === Number(stopAfter)) {
    console.log('holding');
    await new Promise(() => {}); // stop pulling, as a program stuck in its work: only a kill ends it
  }
}
await client.close();
console.log('done');
`;

async function produce(client: SpoolClient, topic: string, count: number, from = 0): Promise<void> {
  await client.producer().send(
    topic,
    // Keyed, so that the records spread over the partitions (unkeyed ones stick to one per batch).
    Array.from({ length: count }, (_, i) => ({ key: `key-${from + i}`, value: `record ${from + i}` })),
  );
}

async function committed(client: SpoolClient, group: string): Promise<Array<number | null>> {
  return (await client.groups.describe(group)).partitions.map((p) => p.committedOffset);
}

describe('e2e > library > groups', () => {
  let sandbox: SpoolSandbox;
  let client: SpoolClient;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    client = await connect({ dataDir: sandbox.dataDir, autostart: false });
    await linkSpoolPackage(sandbox.dir);
  });

  after(async () => {
    await client?.close();
    await sandbox.cleanup();
  });

  test('break commits what the loop received; the next stream of the group starts after it, and so does the CLI', async () => {
    await client.topics.create('breaks');
    await produce(client, 'breaks', 10);
    const first: number[] = [];
    for await (const record of client.consume('breaks', { group: 'g-break' })) {
      first.push(record.offset);
      if (first.length === 4) break;
    }
    assert.deepEqual(first, [0, 1, 2, 3]);
    assert.deepEqual(await committed(client, 'g-break'), [4]);
    const described = await client.groups.describe('g-break');
    assert.equal(described.state, 'empty', 'the stream left the group when it closed');

    const second: number[] = [];
    for await (const record of client.consume('breaks', { group: 'g-break' })) {
      second.push(record.offset);
      if (second.length === 3) break;
    }
    assert.deepEqual(second, [4, 5, 6]);
    const cli = await sandbox.run(['consume', 'breaks', '-g', 'g-break', '-e', '-f', '%o\n']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(stdoutLines(cli), ['7', '8', '9']);
  });

  test('a program killed with SIGKILL is followed by one that resumes where the first committed', async () => {
    await client.topics.create('restarts', { partitions: 3 });
    await produce(client, 'restarts', 90);
    const script = await writeLibraryScript(sandbox.dir, 'group-consumer.mjs', CONSUMER_SCRIPT);
    const first = spawnLibraryScript(script, [sandbox.dataDir, 'restarts', 'g-restart', '40', '200']);
    await first.waitFor((p) => p.stdout.toString().includes('holding'), 'the first program to receive 40 records');
    // The commit interval passes while the program holds the 40th record: all 40 are committed.
    await waitUntil(async () => sum(await committed(client, 'g-restart')) === 40, 'the 40 received records committed');
    first.kill('SIGKILL');
    await first.exited;
    const firstOffsets = textLines(first.stdout).filter((l) => l !== 'holding');
    assert.equal(firstOffsets.length, 40);

    // The killed member's session times out (10 s) before the group hands its partitions on.
    const second = spawnLibraryScript(script, [sandbox.dataDir, 'restarts', 'g-restart', '1000', '200']);
    const result = await second.finish(60_000);
    assert.equal(result.code, 0, result.stderr);
    const lines = stdoutLines(result);
    assert.equal(lines.at(-1), 'done');
    assert.equal(lines.length - 1, 50, 'the second program reads exactly the 50 records the first did not commit');
    assert.deepEqual(await committed(client, 'g-restart'), await endOffsets(client, 'restarts'));
  });

  test('a broker killed and restarted under a running loop: the loop goes on, nothing lost, nothing repeated', async () => {
    await client.topics.create('survives', { partitions: 2 });
    await produce(client, 'survives', 20);
    // A client of its own: its connection is the one the broker's death cuts.
    const reader = await connect({ dataDir: sandbox.dataDir, autostart: false });
    const received: ConsumedRecord[] = [];
    const waiting = { wake: () => {} };
    const reading = (async () => {
      for await (const record of reader.consume('survives', { group: 'g-survive', commitIntervalMs: 100 })) {
        received.push(record);
        waiting.wake();
        if (received.length === 30) break;
      }
    })();
    const until = async (count: number) => {
      const deadline = Date.now() + 60_000;
      while (received.length < count) {
        assert.ok(Date.now() < deadline, `only ${received.length} of ${count} records received`);
        await new Promise<void>((resolve) => {
          waiting.wake = resolve;
          setTimeout(resolve, 200);
        });
      }
    };
    await until(20);
    await waitUntil(async () => sum(await committed(client, 'g-survive')) === 20, 'the first 20 committed');
    await sandbox.killBroker();
    await sandbox.startBroker();
    const writer = await connect({ dataDir: sandbox.dataDir, autostart: false });
    try {
      await produce(writer, 'survives', 10, 20);
      await until(30);
      await reading;
      const values = received.map((r) => r.value!.toString()).sort((a, b) => Number(a.split(' ')[1]) - Number(b.split(' ')[1]));
      assert.deepEqual(values, Array.from({ length: 30 }, (_, i) => `record ${i}`));
      assert.equal(sum(await committed(writer, 'g-survive')), 30);
    } finally {
      await reader.close();
      await writer.close();
    }
    // The shared client's connection went with the killed broker; its next admin call reconnects.
    assert.equal((await client.topics.describe('survives')).partitions.length, 2);
  });

  test('two streams of one group share the partitions; each record reaches one of them', async () => {
    await client.topics.create('shared', { partitions: 4 });
    await produce(client, 'shared', 200);
    const other = await connect({ dataDir: sandbox.dataDir, autostart: false });
    try {
      const read = async (c: SpoolClient) => {
        const offsets: string[] = [];
        for await (const r of c.consume('shared', { group: 'g-shared', exitAtEnd: true })) offsets.push(`${r.partition}/${r.offset}`);
        return offsets;
      };
      const [a, b] = await Promise.all([read(client), read(other)]);
      assert.equal(new Set([...a, ...b]).size, 200);
      assert.equal(a.length + b.length, 200, 'no record read twice');
      assert.deepEqual(await committed(client, 'g-shared'), await endOffsets(client, 'shared'));
    } finally {
      await other.close();
    }
  });
});

async function endOffsets(client: SpoolClient, topic: string): Promise<number[]> {
  return (await client.topics.offsets(topic)).map((o) => o.logEndOffset);
}

function sum(offsets: Array<number | null>): number {
  return offsets.reduce<number>((total, o) => total + (o ?? 0), 0);
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
