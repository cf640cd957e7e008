// e2e: an idempotent librdkafka producer whose TCP connections are cut mid-stream (the broker
// keeps running) stores every message exactly once and in order: its retries carry the same
// producer id, epoch and sequences, and spool acknowledges a batch it already has with the
// offsets it stored it at instead of storing it again (SPEC §8 idempotent producers).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CuttingProxy } from '../helpers/cutting-proxy.js';
import { havePythonKafka, spawnPython } from '../helpers/kafka-clients.js';
import { assertExit, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const COUNT = 20_000;

describe('e2e > idempotent Kafka producer through cut connections', { skip: havePythonKafka() ? false : 'python3-confluent-kafka is not installed' }, () => {
  let sandbox: SpoolSandbox;
  let proxy: CuttingProxy;

  before(async () => {
    proxy = await CuttingProxy.start();
    sandbox = await SpoolSandbox.create();
    const broker = await sandbox.startBroker(['--kafka', '127.0.0.1:0', '--kafka-advertise', proxy.address]);
    proxy.forwardTo(broker.kafka!);
  });

  after(async () => {
    await proxy?.close();
    await sandbox?.cleanup();
  });

  test('every message is stored exactly once, in order, however often the connection is cut', async () => {
    const producer = spawnPython('produce_idempotent.py', proxy.address, ['idem', String(COUNT)]);
    for (const mark of [2000, 6000, 11000, 16000]) {
      await producer.waitFor((p) => p.stdout.toString().includes(`progress ${mark}\n`), `${mark} deliveries`);
      assert.ok(proxy.cutAll() > 0, 'a connection was open to cut');
    }
    const result = await producer.finish(120_000);
    assertExit(result, 0, 'produce_idempotent.py');
    assert.match(result.stdout.toString(), new RegExp(`delivered ${COUNT}\\n`));
    const consumed = await sandbox.run(['consume', 'idem', '-e'], { timeoutMs: 60_000 });
    assertExit(consumed, 0, 'spool consume');
    const values = stdoutLines(consumed);
    assert.equal(values.length, COUNT, `stored ${values.length} messages for ${COUNT} sent`);
    values.forEach((v, i) => assert.equal(v, String(i), `offset ${i} holds ${v}`));
    assert.ok(proxy.cuts >= 4);
  });
});
