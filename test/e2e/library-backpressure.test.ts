// e2e: a library stream fetches no further ahead than it is pulled (SPEC §10). With 48 MiB in a
// topic, a loop that takes a few records and stops pulling (or pauses) leaves the broker's
// bytes served for the topic flat at about one fetch ahead, and the memory of both processes
// flat; pulling again reads on to the end, which shows the counter does count.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Admin } from '../../src/client/admin.js';
import type { Connection } from '../../src/client/connection.js';
import { tryConnect } from '../../src/client/try-connect.js';
import { connect, type SpoolClient } from '../../src/lib/index.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const RECORD_BYTES = 1024;
const RECORDS = 48 * 1024;
/** One fetch is at most 4 MiB (1 MiB per partition): being handed over plus one in flight, with slack. */
const AHEAD_LIMIT_BYTES = 10 << 20;
const MIB = 1 << 20;

describe('e2e > library > backpressure', () => {
  let sandbox: SpoolSandbox;
  let client: SpoolClient;
  let admin: Admin;
  let connection: Connection | null = null;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    client = await connect({ dataDir: sandbox.dataDir, autostart: false });
    // The broker's own counters, which the library does not show: bytes served per topic.
    connection = await tryConnect(sandbox.socket);
    assert.ok(connection !== null);
    admin = new Admin(connection);
    const line = 'x'.repeat(RECORD_BYTES - 1) + '\n';
    const file = join(sandbox.dir, 'input.txt');
    await writeFile(file, line.repeat(RECORDS));
    await client.topics.create('big', { partitions: 2 });
    const produced = await sandbox.run(['produce', 'big', '--file', file, '-q'], { timeoutMs: 120_000 });
    assert.equal(produced.code, 0, produced.stderr);
  });

  after(async () => {
    await client?.close();
    connection?.close();
    await sandbox.cleanup();
  });

  async function bytesServed(): Promise<number> {
    const [topic] = await admin.describeTopics(['big']);
    assert.ok(topic !== undefined);
    return topic.traffic.bytesOut;
  }

  function brokerRssBytes(): number {
    const status = readFileSync(`/proc/${sandbox.broker!.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test('a loop that stops pulling stops the fetching; the memory of both processes stays flat', async () => {
    const start = await bytesServed();
    const stream = client.consume('big', { exitAtEnd: true });
    const iterator = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) assert.equal((await iterator.next()).done, false);
    await sleep(500);
    const servedEarly = (await bytesServed()) - start;
    global.gc?.();
    const heapEarly = process.memoryUsage().heapUsed;
    const rssEarly = brokerRssBytes();
    await sleep(2500);
    const servedLate = (await bytesServed()) - start;
    const heapLate = process.memoryUsage().heapUsed;
    const rssLate = brokerRssBytes();
    console.log(`# served ${(servedLate / MIB).toFixed(1)} MiB of ${(RECORDS * RECORD_BYTES) / MIB} MiB while not pulled; heap ${((heapLate - heapEarly) / MIB).toFixed(1)} MiB, broker RSS ${((rssLate - rssEarly) / MIB).toFixed(1)} MiB more`);
    assert.ok(servedLate <= AHEAD_LIMIT_BYTES, `served ${servedLate} bytes while only 10 records were pulled`);
    assert.equal(servedLate, servedEarly, 'nothing more is fetched while the loop does not pull');
    assert.ok(heapLate - heapEarly < 16 * MIB, `the program's heap grew by ${heapLate - heapEarly} bytes`);
    assert.ok(rssLate - rssEarly < 16 * MIB, `the broker's RSS grew by ${rssLate - rssEarly} bytes`);

    // Pulling again reads everything, so the counter above could have seen more.
    let count = 10;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      count++;
    }
    assert.equal(count, RECORDS);
    assert.ok((await bytesServed()) - start >= RECORDS * RECORD_BYTES);
  });

  test('pause() hands out nothing and fetches nothing more until resume()', async () => {
    const stream = client.consume('big', { exitAtEnd: true });
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).done, false);
    stream.pause();
    assert.equal(stream.paused, true);
    let received = false;
    const pending = iterator.next().then((r) => {
      received = true;
      return r;
    });
    await sleep(300);
    const served = await bytesServed();
    await sleep(1500);
    assert.equal(received, false, 'a paused stream hands out no record');
    assert.equal(await bytesServed(), served, 'a paused stream fetches nothing');
    stream.resume();
    const next = await pending;
    assert.equal(next.done, false);
    assert.equal(next.value?.offset, 1);
    await stream.close();
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });
});
