// e2e: the socket target a reading command keeps to the broker (src/client/target/socket-target.ts), driven in this
// process against a real broker. A socket that takes connections but never answers (the listening
// socket of a broker killed a moment ago, which the kernel releases a little after the broker's
// connections) is not a broker coming back: the link says "back" once, when a broker answers.
import assert from 'node:assert/strict';
import { unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { isConnectionLost, openTarget } from '../../src/cli/open-target.js';
import type { SocketTarget } from '../../src/client/target/socket-target.js';
import type { TargetEvent } from '../../src/client/target/target.js';
import type { CliIo } from '../../src/term/io.js';
import { stopBroker } from '../helpers/spool-broker.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

function quietIo(): CliIo {
  return { stdin: new PassThrough(), stdinFd: null, stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
}

/** Listen on `path`, take each connection and close it a moment later without a word. */
async function listenWithoutAnswering(path: string): Promise<{ server: Server; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections += 1;
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), 20);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { server, connections: () => connections };
}

describe('e2e > broker link', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('a socket that takes connections but never answers is not the broker back', async () => {
    const globals = { dataDir: sandbox.dataDir, socketPath: sandbox.socket, autostart: false, quiet: true, broker: null, properties: {} };
    const link = (await openTarget(globals, quietIo())) as SocketTarget;
    const events: TargetEvent[] = [];
    link.onEvent = (event) => events.push(event);
    const abort = new AbortController();
    try {
      await stopBroker(sandbox.broker!);
      const err = await link.admin.brokerStatus().then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(isConnectionLost(err), `the stop ended the connection: ${String(err)}`);

      const silent = await listenWithoutAnswering(sandbox.socket);
      const reconnected = link.reconnect(err, abort.signal);
      await sleep(1000);
      assert.ok(silent.connections() >= 2, `the link kept trying the silent socket (${silent.connections()} connections)`);
      assert.deepEqual(events.map((e) => e.kind), ['lost'], 'not back while nothing answers');

      await new Promise<void>((resolve) => silent.server.close(() => resolve()));
      try {
        unlinkSync(sandbox.socket);
      } catch {
        // net.Server removes its socket file on close on some platforms.
      }
      await sandbox.startBroker();
      assert.equal(await reconnected, true);
      assert.deepEqual(events.map((e) => e.kind), ['lost', 'back']);
      assert.equal((await link.admin.brokerStatus()).pid, sandbox.broker!.pid, 'the new connection reaches the new broker');
    } finally {
      abort.abort();
      await link.close();
    }
  });
});
