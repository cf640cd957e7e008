// e2e: the broker's life (SPEC §2, §3 broker): start, already running, status and its JSON,
// stop, autostart from a fresh data dir and refusing to autostart, modes of the data dir and
// socket, SIGTERM, and a socket path too long for the OS. Each test has its own data dir.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { lockFilePid, parseBrokerRunning, processExists, waitForProcessGone } from '../helpers/spool-broker.js';
import { PROJECT_ROOT, assertExit, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const STATUS_KEYS = ['running', 'pid', 'uptimeMs', 'version', 'dataDir', 'socket', 'topics', 'bytes', 'kafka', 'metrics', 'kafkaSecurity', 'socketConnections', 'socketRequests', 'kafkaConnections', 'kafkaRequests'];
const AUTOSTART_ON = { SPOOL_AUTOSTART: undefined };
/** Far longer than an answer "at once" takes; a command still running then is hung. */
const HANG_MS = 10_000;

interface BrokerStatusJson {
  running: boolean;
  pid: number;
  uptimeMs: number;
  version: string;
  dataDir: string;
  socket: string;
  topics: number;
  bytes: number;
  socketRequests: number;
}

describe('e2e > broker lifecycle', () => {
  const sandboxes: SpoolSandbox[] = [];

  async function sandbox(options: { dataSubdir?: string } = {}): Promise<SpoolSandbox> {
    const created = await SpoolSandbox.create(options);
    sandboxes.push(created);
    return created;
  }

  afterEach(async () => {
    for (const s of sandboxes.splice(0)) await s.cleanup();
  });

  test('--no-autostart and SPOOL_AUTOSTART=0 exit 3 with a hint when no broker runs, and start nothing', async () => {
    const s = await sandbox();
    const flag = await s.run(['topic', 'list', '--no-autostart'], { env: AUTOSTART_ON });
    assert.match(assertOneErrorLine(flag, 3, 'topic list --no-autostart'), /broker start/);
    const produced = await s.run(['produce', 'nothing'], { input: 'a\n', env: { SPOOL_AUTOSTART: '0' } });
    assert.match(assertOneErrorLine(produced, 3, 'produce with SPOOL_AUTOSTART=0'), /broker start/);
    const consumed = await s.run(['consume', 'nothing', '-e'], { env: { SPOOL_AUTOSTART: '0' } });
    assertOneErrorLine(consumed, 3, 'consume with SPOOL_AUTOSTART=0');
    assert.equal(existsSync(s.socket), false, 'no socket');
    assert.equal(lockFilePid(s.dataDir), null, 'no broker lock');
  });

  test('the first produce into a fresh data dir starts the broker; status shows it; stop ends it', async () => {
    const s = await sandbox({ dataSubdir: 'fresh' });
    assert.equal(existsSync(s.dataDir), false);
    const produced = await s.run(['produce', 'auto'], { input: 'one\ntwo\n', env: AUTOSTART_ON });
    const pid = lockFilePid(s.dataDir);
    if (pid !== null) s.track(pid);
    assertExit(produced, 0, 'produce with autostart');
    assert.equal(produced.stdout.length, 0, 'autostart prints nothing on stdout');

    assert.equal(statSync(s.dataDir).mode & 0o777, 0o700, 'data dir mode');
    const socketStat = statSync(s.socket);
    assert.ok(socketStat.isSocket());
    assert.equal(socketStat.mode & 0o777, 0o600, 'socket mode');

    const status = await s.run(['broker', 'status', '--json']);
    assertExit(status, 0, 'broker status --json');
    const json = JSON.parse(status.stdout.toString('utf8')) as BrokerStatusJson;
    assert.equal(json.running, true);
    assert.equal(json.pid, pid);
    assert.equal(json.topics, 1);
    assert.deepEqual(stdoutLines(await s.run(['consume', 'auto', '-e'])), ['one', 'two']);

    const stopped = await s.run(['broker', 'stop']);
    assertExit(stopped, 0, 'broker stop');
    assert.ok(stopped.stdout.toString('utf8').includes(String(pid)), 'stop names the pid');
    assert.equal(processExists(json.pid), false, 'stop waits for the broker to exit');
    const after = await s.run(['broker', 'status']);
    assertExit(after, 3, 'broker status after stop');
    assert.equal(after.stderr, '');
    const afterJson = await s.run(['broker', 'status', '--json']);
    assertExit(afterJson, 3, 'broker status --json after stop');
    assert.equal((JSON.parse(afterJson.stdout.toString('utf8')) as { running: boolean }).running, false);
    const again = await s.run(['broker', 'stop']);
    assertExit(again, 0, 'broker stop when not running');
    assert.match(again.stdout.toString('utf8'), /not running/);
  });

  test('broker start twice says already running and exits 0; status --json has the SPEC fields', async () => {
    const s = await sandbox();
    const first = await s.run(['broker', 'start']);
    assertExit(first, 0, 'broker start');
    const running = parseBrokerRunning(first.stdout.toString('utf8'));
    assert.ok(running !== null, `prints "broker running (pid N, socket PATH)": ${first.stdout.toString()}`);
    s.track(running.pid);
    assert.equal(running.socket, s.socket);

    const second = await s.run(['broker', 'start']);
    assertExit(second, 0, 'second broker start');
    assert.match(second.stdout.toString('utf8'), /already running/);
    assert.ok(second.stdout.toString('utf8').includes(String(running.pid)));

    const status = await s.run(['broker', 'status', '--json']);
    assertExit(status, 0);
    const json = JSON.parse(status.stdout.toString('utf8')) as BrokerStatusJson;
    assert.deepEqual(Object.keys(json), STATUS_KEYS);
    const version = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    // The status request itself is the socket's one connection; the broker start counted its own.
    const counts = { socketConnections: 1, socketRequests: json.socketRequests, kafkaConnections: 0, kafkaRequests: 0 };
    assert.deepEqual(
      { ...json, uptimeMs: 0 },
      { running: true, pid: running.pid, uptimeMs: 0, version, dataDir: s.dataDir, socket: s.socket, topics: 0, bytes: 0, kafka: null, metrics: null, kafkaSecurity: null, ...counts },
    );
    assert.ok(json.socketRequests >= 1);
    assert.ok(Number.isInteger(json.uptimeMs) && json.uptimeMs >= 0);

    assertExit(await s.run(['produce', 'counted', '--quiet'], { input: 'abc\n' }), 0);
    const later = JSON.parse((await s.run(['broker', 'status', '--json'])).stdout.toString('utf8')) as BrokerStatusJson;
    assert.equal(later.topics, 1);
    assert.ok(later.bytes > 0, 'bytes on disk count the new record');
    assert.ok(later.uptimeMs >= json.uptimeMs);

    const human = await s.run(['broker', 'status']);
    assertExit(human, 0);
    assert.ok(human.stdout.toString('utf8').includes(String(running.pid)));
  });

  test('a second broker on the same data dir, asked for another socket, says at once which broker runs there (exit 0)', async () => {
    const s = await sandbox();
    const broker = await s.startBroker();
    const other = join(s.dir, 'other.sock');
    const expected = `broker already running (pid ${broker.pid}, socket ${s.socket})\n`;
    // A hang (waiting for a socket that never comes) fails on the timeout, far above "at once".
    const second = await s.run(['--socket', other, 'broker', 'start'], { timeoutMs: HANG_MS });
    assertExit(second, 0, 'broker start --socket OTHER');
    assert.equal(second.stdout.toString('utf8'), expected);
    const foreground = await s.run(['--socket', other, 'broker', 'start', '--foreground'], { timeoutMs: HANG_MS });
    assertExit(foreground, 0, 'broker start --foreground --socket OTHER');
    assert.equal(foreground.stdout.toString('utf8'), expected);
    assert.equal(existsSync(other), false, 'no second socket');

    const client = await s.run(['--socket', other, 'topic', 'list'], { env: AUTOSTART_ON, timeoutMs: HANG_MS });
    const line = assertOneErrorLine(client, 3, 'topic list --socket OTHER with autostart');
    assert.ok(line.includes(`pid ${broker.pid}`) && line.includes(s.socket) && line.includes(other), line);
    assertExit(await s.run(['broker', 'status']), 0, 'the first broker still runs');
  });

  test('a broker that exits before it accepts connections: start and autostart report its own reason at once', async () => {
    const s = await sandbox();
    const unusable = join(s.dir, 'missing', 'spool.sock');
    const reason = `cannot listen on ${unusable}`;
    const started = await s.run(['--socket', unusable, 'broker', 'start'], { timeoutMs: HANG_MS });
    const line = assertOneErrorLine(started, 1, 'broker start --socket MISSING/DIR');
    assert.ok(line.includes(`: ${reason}`), line);
    const produced = await s.run(['--socket', unusable, 'produce', 'x'], { input: 'a\n', env: AUTOSTART_ON, timeoutMs: HANG_MS });
    const autostart = assertOneErrorLine(produced, 1, 'produce with autostart on MISSING/DIR');
    assert.ok(autostart.includes(`: ${reason}`), autostart);
    assert.equal(lockFilePid(s.dataDir), null, 'the failed broker released its lock');
  });

  test('SIGTERM stops the broker gracefully and a restart serves the same data', async () => {
    const s = await sandbox();
    const broker = await s.startBroker();
    assertExit(await s.run(['produce', 'kept', '--quiet'], { input: 'a\nb\n' }), 0);
    process.kill(broker.pid, 'SIGTERM');
    await waitForProcessGone(broker.pid);
    assertExit(await s.run(['broker', 'status']), 3, 'status after SIGTERM');
    assert.equal(existsSync(join(s.dataDir, 'broker.lock')), false, 'a graceful stop releases the lock');
    await s.startBroker();
    assert.deepEqual(stdoutLines(await s.run(['consume', 'kept', '-e'])), ['a', 'b']);
  });

  test('a socket path over 107 bytes is a clear usage error (exit 2), not a crash', async () => {
    const s = await sandbox({ dataSubdir: 'd'.repeat(110) });
    for (const args of [['broker', 'start'], ['produce', 'x'], ['broker', 'status']]) {
      const result = await s.run(args, { input: 'a\n', env: AUTOSTART_ON });
      assert.match(assertOneErrorLine(result, 2, args.join(' ')), /socket/);
    }
    const explicit = await s.run(['--socket', join(s.dir, 's'.repeat(110)), 'broker', 'start']);
    assert.match(assertOneErrorLine(explicit, 2, 'broker start --socket LONG'), /socket/);
    assert.equal(lockFilePid(s.dataDir), null, 'no broker started');
  });
});
