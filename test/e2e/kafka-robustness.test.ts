// e2e: bad input on the Kafka port — garbage, a size of 2 GiB, a request cut short, an unknown API
// key or version, a body that does not parse — closes that connection only (SPEC §8 bad input):
// a client on the Unix socket and a Kafka client go on, and the broker logs why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { haveKcat, kafkaSandbox, runKcat } from '../helpers/kafka-clients.js';
import { assertExit, stdoutLines } from '../helpers/spool-cli.js';
import type { SpoolSandbox } from '../helpers/spool-sandbox.js';

function open(address: string): Promise<Socket> {
  const at = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(address.slice(at + 1)), address.slice(0, at), () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Send `bytes` and resolve with what came back once the broker closed the connection. */
async function sendUntilClosed(address: string, bytes: Buffer, endAfter = false): Promise<{ closed: boolean; received: Buffer }> {
  const socket = await open(address);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<boolean>((resolve) => {
    socket.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 5000).unref();
  });
  socket.on('error', () => undefined);
  socket.write(bytes);
  if (endAfter) socket.end();
  const wasClosed = await closed;
  socket.destroy();
  return { closed: wasClosed, received: Buffer.concat(received) };
}

/** A request frame: size, api key, version, correlation id, client id (header v2: tagged fields), body. */
function frame(apiKey: number, version: number, body: Buffer, headerV2 = false): Buffer {
  const id = Buffer.from('robustness');
  const header = Buffer.alloc(10 + id.length + (headerV2 ? 1 : 0));
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(7, 4);
  header.writeInt16BE(id.length, 8);
  id.copy(header, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  return Buffer.concat([size, header, body]);
}

describe('e2e > Kafka listener robustness', { skip: haveKcat() ? false : 'kcat is not installed' }, () => {
  let sandbox: SpoolSandbox;
  let bootstrap: string;

  before(async () => {
    ({ sandbox, bootstrap } = await kafkaSandbox());
    assertExit(await sandbox.run(['produce', 'steady'], { input: 'one\ntwo\n' }), 0);
  });

  after(async () => {
    await sandbox?.cleanup();
  });

  test('each bad request closes its own connection; the socket and Kafka clients go on', async () => {
    // A follower on the Unix socket, reading throughout.
    const follower = sandbox.spawn(['consume', 'steady']);
    await follower.waitFor((p) => p.stdoutLineCount >= 2, 'the first two records');

    const cases: Array<[string, Buffer, boolean]> = [
      ['garbage', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), false],
      ['a size of 2 GiB', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0]), false],
      ['a negative size', Buffer.from([0xff, 0xff, 0xff, 0xf0]), false],
      ['an unknown API key', frame(9999, 0, Buffer.alloc(0)), false],
      ['an unsupported Metadata version', frame(3, 99, Buffer.alloc(0)), false],
      ['a Produce body that does not parse', frame(0, 3, Buffer.from([0xff, 0xff, 0, 1, 0xde, 0xad])), false],
      ['a request cut short', frame(3, 1, Buffer.from([0, 0, 0, 5, 0, 1])).subarray(0, 12), true],
    ];
    for (const [what, bytes, endAfter] of cases) {
      const { closed, received } = await sendUntilClosed(bootstrap, bytes, endAfter);
      assert.ok(closed, `${what}: the connection was closed`);
      assert.equal(received.length, 0, `${what}: nothing was answered`);
    }

    // ApiVersions of a version spool does not serve is answered (v0, UNSUPPORTED_VERSION), as Kafka does.
    const socket = await open(bootstrap);
    const answer = new Promise<Buffer>((resolve, reject) => {
      socket.once('data', resolve);
      socket.once('close', () => reject(new Error('ApiVersions v99 was not answered')));
    });
    socket.write(frame(18, 99, Buffer.from([0, 0, 0]), true));
    const response = await answer;
    socket.destroy();
    assert.equal(response.readInt32BE(4), 7, 'correlation id');
    assert.equal(response.readInt16BE(8), 35, 'UNSUPPORTED_VERSION');

    // Everyone else went on: the socket follower sees a new record, and kcat reads and writes.
    assertExit(await runKcat(bootstrap, ['-P', '-t', 'steady'], { input: 'three\n' }), 0, 'kcat -P');
    await follower.waitFor((p) => p.stdoutLineCount >= 3, 'the record kcat wrote');
    const kcat = await runKcat(bootstrap, ['-C', '-t', 'steady', '-e', '-q']);
    assert.deepEqual(stdoutLines(kcat), ['one', 'two', 'three']);
    follower.kill('SIGINT');
    await follower.finish();

    const log = readFileSync(join(sandbox.dataDir, 'broker.log'), 'utf8');
    assert.match(log, /kafka connection \d+ .*closed: .*unknown API key 9999/);
    assert.match(log, /kafka connection \d+ .*closed: .*Metadata version 99/);
    assert.match(log, /kafka connection \d+ .*closed: frame size/);
    assert.doesNotMatch(log, /ERROR/);
  });
});
