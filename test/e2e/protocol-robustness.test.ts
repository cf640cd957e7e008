// e2e: garbage or truncated frames on the broker's socket close that connection only (SPEC §7):
// a consumer and a producer connected at the same time go on as if nothing happened. Frames are
// `size int32 | apiKey int16 | requestId int32 | body` (man/spool-protocol.7).
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { assertExit, stdoutLines, textLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const CLOSE_WAIT_MS = 20_000;

function requestFrame(apiKey: number, requestId: number, body: Buffer, declaredBodyBytes = body.length): Buffer {
  const header = Buffer.alloc(10);
  header.writeInt32BE(6 + declaredBodyBytes, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt32BE(requestId, 6);
  return Buffer.concat([header, body]);
}

/** Deterministic noise (a small LCG), starting with a size far over any frame limit. */
function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 0x2545f491;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  bytes[0] = 0x7f;
  return bytes;
}

interface Exchange {
  closed: boolean;
  received: Buffer;
}

/**
 * Send `bytes` on a fresh connection; resolve when the broker closes it, when a whole response
 * frame has come back, or after `waitMs`.
 */
function exchange(socketPath: string, bytes: Buffer, options: { end?: boolean; waitMs?: number } = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, received: Buffer.concat(chunks) });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? CLOSE_WAIT_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const received = Buffer.concat(chunks);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) finish(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') return; // the broker closed first
      if (!done) reject(err);
    });
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.end === true) socket.end();
    });
  });
}

describe('e2e > protocol robustness', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('garbage and truncated frames close their own connection while a consumer and a producer go on', async (t) => {
    assertExit(await sandbox.run(['topic', 'create', 'steady']), 0);
    const consumer = sandbox.spawn(['consume', 'steady', '-f', '%s\\n']);
    const producer = sandbox.spawn(['produce', 'steady', '--linger-ms', '0', '--quiet']);
    await producer.write('before-1\n');
    await consumer.waitFor((p) => textLines(p.stdout).includes('before-1'), 'the first record');

    // A connection that stops in the middle of a frame stays open until we drop it, holding nothing up.
    const stalled = connect(sandbox.socket);
    stalled.on('error', () => undefined);
    stalled.write(requestFrame(0, 1, Buffer.alloc(20, 1), 1000));
    t.after(() => stalled.destroy());

    const closing: Array<[string, Buffer, boolean]> = [
      ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: spool\r\n\r\n'), false],
      ['a negative frame size', Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), false],
      ['a frame shorter than its header', Buffer.from([0, 0, 0, 2, 0, 1]), false],
      ['4 KiB of noise', noise(4096), false],
      ['a produce request with a garbage body', requestFrame(0, 2, Buffer.alloc(32, 0xee)), false],
      ['a metadata request with a garbage body', requestFrame(3, 3, Buffer.from([1, 2, 3, 4, 5])), false],
      ['a frame cut short by the end of the stream', requestFrame(1, 4, Buffer.alloc(10, 2), 500), true],
    ];
    for (const [what, bytes, end] of closing) {
      const result = await exchange(sandbox.socket, bytes, { end });
      assert.ok(result.closed, `the broker closes a connection that sends ${what}`);
      await producer.write(`during ${what}\n`);
    }

    // A well-formed frame of an unknown kind gets an error answer (or the connection closed).
    const unknown = await exchange(sandbox.socket, requestFrame(4242, 77, Buffer.alloc(8, 0xab)));
    if (!unknown.closed) {
      assert.ok(unknown.received.length >= 12, 'an answer to the unknown request');
      assert.equal(unknown.received.readInt32BE(6), 77, 'the answer carries the request id');
      assert.notEqual(unknown.received.readInt16BE(10), 0, 'the answer is an error');
    }

    await producer.write('after-1\n');
    await consumer.waitFor((p) => p.stdout.toString('utf8').includes('after-1\n'), 'the record produced after the garbage');
    producer.end();
    const produced = await producer.finish();
    assertExit(produced, 0, 'the producer connected throughout');
    assert.equal(stalled.destroyed, false, 'the stalled connection is still open');

    const expected = ['before-1', ...closing.map(([what]) => `during ${what}`), 'after-1'];
    assert.deepEqual(textLines(consumer.stdout), expected, 'the consumer saw every record once');
    consumer.kill();

    const fresh = await sandbox.run(['consume', 'steady', '-e']);
    assertExit(fresh, 0, 'a new connection');
    assert.deepEqual(stdoutLines(fresh), expected);
    const status = await sandbox.run(['broker', 'status', '--json']);
    assertExit(status, 0, 'broker status');
    assert.equal((JSON.parse(status.stdout.toString('utf8')) as { pid: number }).pid, sandbox.broker!.pid, 'the same broker');
  });
});
