// e2e: a Fetch's min_bytes (spool-protocol(7)), sent from this process over the real socket to a
// real broker while `spool produce` appends. A fetch with less than min_bytes to return waits for
// appends until there is enough, and answers with what there is when its max wait runs out.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Connection } from '../../src/client/connection.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { decodeFetchResponse, encodeFetchRequest, type FetchTopicResult } from '../../src/protocol/messages/fetch.js';
import { assertExit } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const LINE = 'x'.repeat(100);

describe('e2e > fetch min_bytes', () => {
  let sandbox: SpoolSandbox;
  let connection: Connection;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    assertExit(await sandbox.run(['topic', 'create', 'mb']), 0);
    connection = await Connection.connect(sandbox.socket);
  });

  after(async () => {
    connection.close();
    await sandbox.cleanup();
  });

  function fetch(minBytes: number, maxWaitMs: number): { response: Promise<FetchTopicResult[]>; settled: () => boolean } {
    let settled = false;
    const body = encodeFetchRequest({
      maxWaitMs,
      minBytes,
      maxBytes: 1 << 20,
      topics: [{ topic: 'mb', partitions: [{ partition: 0, fetchOffset: 0, maxBytes: 1 << 20 }] }],
    });
    const response = connection.request(ApiKey.Fetch, body).then((b) => {
      settled = true;
      return decodeFetchResponse(b);
    });
    return { response, settled: () => settled };
  }

  async function produce(lines: number): Promise<void> {
    assertExit(await sandbox.run(['produce', 'mb', '--quiet'], { input: `${LINE}\n`.repeat(lines) }), 0);
  }

  const bytesOf = (topics: FetchTopicResult[]) => topics[0]!.partitions[0]!.records.length;

  test('a fetch waits through appends until min_bytes are there', async () => {
    const started = performance.now();
    const waiting = fetch(2000, 20_000);
    await produce(1);
    await sleep(500);
    assert.equal(waiting.settled(), false, 'one small record is not enough');
    await produce(30);
    const topics = await waiting.response;
    assert.ok(bytesOf(topics) >= 2000, `${bytesOf(topics)} bytes`);
    assert.ok(performance.now() - started < 15_000, 'answered on the append, not at the max wait');
  });

  test('when the max wait runs out, the fetch answers with what there is', async () => {
    const started = performance.now();
    const topics = await fetch(10 << 20, 700).response;
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 600, `answered after ${Math.round(elapsed)} ms`);
    const bytes = bytesOf(topics);
    assert.ok(bytes > 0 && bytes < 10 << 20, `${bytes} bytes`);
  });

  test('min_bytes 0 or 1 answers at once when there is data', async () => {
    for (const minBytes of [0, 1]) {
      const started = performance.now();
      const topics = await fetch(minBytes, 20_000).response;
      assert.ok(bytesOf(topics) > 0);
      assert.ok(performance.now() - started < 5_000);
    }
  });
});
