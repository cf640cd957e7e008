// e2e: when the consumer sends its next fetch, against a real broker over its real socket. Behind
// (an answer of 64 KiB or more), the next fetch is out before the data is handed over, so the
// broker reads while the caller writes. Caught up (a small answer, as a following `tail` gets),
// it goes out only when the caller asks for more: the records are written first, and the fetch
// that would only park at the broker does not stand in their way.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Connection } from '../../src/client/connection.js';
import { Consumer } from '../../src/client/consumer.js';
import { RecordCursor } from '../../src/records/record-cursor.js';
import { batchSizeAt } from '../../src/records/record-batch.js';
import { assertExit } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const BACKLOG_LINES = 2_000;
const BACKLOG = Array.from({ length: BACKLOG_LINES }, (_, i) => `line ${i} ${'x'.repeat(100)}`).join('\n') + '\n';

describe('e2e > the next fetch', () => {
  let sandbox: SpoolSandbox;
  let connection: Connection;
  let requests = 0;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    assertExit(await sandbox.run(['produce', 'small', '--quiet'], { input: 'one\ntwo\n' }), 0);
    assertExit(await sandbox.run(['produce', 'backlog', '--quiet'], { input: BACKLOG }), 0);
    connection = await Connection.connect(sandbox.socket);
    // Count the requests sent: the connection's own request, wrapped.
    const request = connection.request.bind(connection);
    connection.request = (apiKey, body) => {
      requests++;
      return request(apiKey, body);
    };
  });

  after(async () => {
    connection.close();
    await sandbox.cleanup();
  });

  // Small fetches keep the backlog's answers under the 256 KiB that would make it a file range.
  const consumerOf = (topic: string) => {
    const consumer = new Consumer(connection, { maxWaitMs: 50, maxBytes: 128 << 10, partitionMaxBytes: 128 << 10 });
    consumer.assign({ topic, partition: 0, offset: 0 });
    return consumer;
  };

  test('caught up: the data is handed over before the next fetch goes out', async () => {
    const consumer = consumerOf('small');
    const before = requests;
    const fetched = await consumer.poll();
    assert.equal(fetched.length, 1);
    assert.equal(fetched[0]!.records.length < 64 << 10, true);
    assert.equal(requests - before, 1, 'no fetch sent ahead of a small answer');
    // The next poll sends it, and waits for records that are not there yet (maxWaitMs).
    assert.deepEqual(await consumer.poll(), []);
    assert.equal(requests - before, 2);
  });

  test('behind: the next fetch is out before the data is handed over', async () => {
    const consumer = consumerOf('backlog');
    const before = requests;
    const fetched = await consumer.poll();
    assert.equal(fetched[0]!.records.length >= 64 << 10, true);
    assert.equal(requests - before, 2, 'one fetch sent ahead of a large answer');
    // Read on to the end: every record once, in order, whichever way each fetch was sent.
    const values: string[] = [];
    const cursor = new RecordCursor();
    for (let data = fetched; values.length < BACKLOG_LINES; data = await consumer.poll()) {
      for (const part of data) {
        for (let pos = 0; pos < part.records.length; pos += batchSizeAt(part.records, pos)) {
          cursor.open(part.records, pos, batchSizeAt(part.records, pos));
          while (cursor.next()) if (cursor.offset >= part.fetchOffset) values.push(cursor.value()!.toString());
        }
      }
    }
    assert.deepEqual(values, BACKLOG.trimEnd().split('\n'));
  });
});
