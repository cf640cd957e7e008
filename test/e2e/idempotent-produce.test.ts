// e2e: idempotent produce across broker restarts (SPEC §8 "Idempotent producers"). Batches with
// a producer id and sequences sent over the socket, the broker killed with kill -9 and started
// again, the last batches sent again: answered with their original offsets, stored once (the
// state rebuilt from the batch headers, and from a snapshot after a clean stop). Then
// `spool produce` itself through a kill -9 and a new broker, and through a stop and a start, in
// the middle of a large input: every line stored once, in order.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { Admin } from '../../src/client/admin.js';
import { Connection } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/common/error-codes.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { decodeProduceResponse, encodeProduceRequest, type ProducePartitionResult } from '../../src/protocol/messages/produce.js';
import { idempotentBatch } from '../helpers/idempotent-batches.js';
import { assertExit, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

async function send(connection: Connection, topic: string, records: Buffer): Promise<ProducePartitionResult> {
  const body = encodeProduceRequest({ topic, durable: false, partitions: [{ partition: 0, records }] });
  return decodeProduceResponse(await connection.request(ApiKey.Produce, body))[0]!;
}

describe('e2e > idempotent produce > over the socket, across restarts', () => {
  let sandbox: SpoolSandbox;
  const connections: Connection[] = [];

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });
  after(async () => {
    for (const c of connections) c.close();
    await sandbox.cleanup();
  });

  async function connect(): Promise<Connection> {
    const connection = await Connection.connect(sandbox.socket);
    connections.push(connection);
    return connection;
  }

  test('after kill -9 and a new broker, the last batches sent again get their original offsets and are stored once', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'idem', '--config', 'segment.bytes=2048']), 0);
    let connection = await connect();
    const { producerId, producerEpoch } = await new Admin(connection).initProducerId({ producerId: -1, producerEpoch: -1 });
    assert.equal(producerEpoch, 0);
    // 12 batches of 5 records, values v0..v59, spread over several segments (segment.bytes 2048).
    const batches = Array.from({ length: 12 }, (_, i) => idempotentBatch(producerId, 0, i * 5, 5, { valueBytes: 60 }));
    const offsets: number[] = [];
    for (const batch of batches) {
      const result = await send(connection, 'idem', Buffer.from(batch));
      assert.equal(result.errorCode, ErrorCode.None, result.errorMessage ?? '');
      offsets.push(result.baseOffset);
    }
    assert.deepEqual(offsets, batches.map((_, i) => i * 5));

    await sandbox.killBroker();
    await sandbox.startBroker();
    connection = await connect();
    for (let i = 7; i < 12; i++) {
      const again = await send(connection, 'idem', Buffer.from(batches[i]!));
      assert.deepEqual([again.errorCode, again.baseOffset], [ErrorCode.None, i * 5], `batch ${i} sent again after kill -9`);
    }
    const tooOld = await send(connection, 'idem', Buffer.from(batches[6]!));
    assert.equal(tooOld.errorCode, ErrorCode.OutOfOrderSequenceNumber, 'older than the last five: out of order, as in Kafka');
    const gap = await send(connection, 'idem', idempotentBatch(producerId, 0, 61, 1));
    assert.equal(gap.errorCode, ErrorCode.OutOfOrderSequenceNumber);
    const next = await send(connection, 'idem', idempotentBatch(producerId, 0, 60, 1, { valueBytes: 60 }));
    assert.deepEqual([next.errorCode, next.baseOffset], [ErrorCode.None, 60]);

    // A clean stop writes a snapshot; the state comes back from it.
    assertExit(await sandbox.run(['broker', 'stop']), 0);
    await sandbox.startBroker();
    connection = await connect();
    const afterStop = await send(connection, 'idem', idempotentBatch(producerId, 0, 60, 1, { valueBytes: 60 }));
    assert.deepEqual([afterStop.errorCode, afterStop.baseOffset], [ErrorCode.None, 60]);
    const inSequence = await send(connection, 'idem', idempotentBatch(producerId, 0, 61, 1));
    assert.equal(inSequence.errorCode, ErrorCode.None, 'in sequence after the restart');

    // A new epoch (KIP-360 bump) fences the old one.
    const bumped = await new Admin(connection).initProducerId({ producerId, producerEpoch: 0 });
    assert.deepEqual(bumped, { producerId, producerEpoch: 1 });
    assert.equal((await send(connection, 'idem', idempotentBatch(producerId, 1, 0, 1))).errorCode, ErrorCode.None);
    assert.equal((await send(connection, 'idem', idempotentBatch(producerId, 0, 62, 1))).errorCode, ErrorCode.InvalidProducerEpoch);

    const consumed = await sandbox.run(['consume', 'idem', '-e', '-f', '%o %s\\n']);
    assertExit(consumed, 0, 'consume');
    const lines = stdoutLines(consumed).map((l) => l.replace(/\.+$/, ''));
    assert.deepEqual(lines, [...Array.from({ length: 62 }, (_, i) => `${i} v${i}`), '62 v0']);
  });
});

/** Lines `from`..`to`, one number each, as `seq` writes them. */
function numbers(from: number, to: number): string {
  let text = '';
  for (let i = from; i <= to; i++) text += `${i}\n`;
  return text;
}

describe('e2e > idempotent produce > spool produce through a broker restart', () => {
  let sandbox: SpoolSandbox;

  beforeEach(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  /**
   * Produce lines 1..`total`: the first `beforeInterrupt` are written and acknowledged, then
   * `interrupt` runs while more input keeps coming, and the rest is written once it is done. The
   * run must end with exit 0 and every line stored once, in order.
   */
  async function produceThrough(total: number, beforeInterrupt: number, interrupt: () => Promise<void>): Promise<void> {
    assertExit(await sandbox.run(['topic', 'create', 'restart']), 0);
    const producer = sandbox.spawn(['produce', 'restart', '--print-offsets']);
    await producer.write(numbers(1, beforeInterrupt));
    await producer.waitFor((p) => p.stdoutLineCount >= beforeInterrupt, `${beforeInterrupt} printed offsets`, 120_000);
    let interrupted = false;
    const interrupting = interrupt().then(() => {
      interrupted = true;
    });
    let next = beforeInterrupt + 1;
    const chunk = 5000;
    for (; next + chunk - 1 <= total / 2 && !interrupted; next += chunk) await producer.write(numbers(next, next + chunk - 1));
    await interrupting;
    await producer.write(numbers(next, total));
    producer.end();
    const done = await producer.finish(180_000);
    assertExit(done, 0, 'produce through the restart');
    assert.match(done.stderr, /^spool: lost the broker \([^)]*\); waiting up to 30 s for it to come back$/m);
    assert.match(done.stderr, /^spool: the broker is back; sending again what it had not acknowledged$/m);
    assert.match(done.stderr, /^produced \S+ messages to restart in /m);
    const printed = stdoutLines(done);
    assert.equal(printed.length, total, 'one offset per message');
    printed.forEach((line, i) => {
      if (line !== `0 ${i}`) assert.fail(`printed offset line ${i + 1} is "${line}", expected "0 ${i}"`);
    });
    const consumed = await sandbox.run(['consume', 'restart', '-e', '-f', '%o %s\\n'], { timeoutMs: 120_000 });
    assertExit(consumed, 0, 'consume');
    const records = stdoutLines(consumed);
    assert.equal(records.length, total, 'every line stored exactly once');
    records.forEach((line, offset) => {
      if (line !== `${offset} ${offset + 1}`) assert.fail(`record ${offset} is "${line}", expected "${offset} ${offset + 1}"`);
    });
  }

  test('kill -9 of the broker mid-stream and a new broker: every line once, in order, exit 0', async () => {
    await produceThrough(1_000_000, 200_000, async () => {
      await sandbox.killBroker();
      await sandbox.startBroker();
    });
  });

  test('a graceful stop and start mid-stream: every line once, in order, exit 0', async () => {
    await produceThrough(400_000, 100_000, async () => {
      assertExit(await sandbox.run(['broker', 'stop']), 0);
      await sandbox.startBroker();
    });
  });
});
