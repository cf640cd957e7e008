// e2e: `spool top` without a terminal (SPEC §3 top): one JSON snapshot of topics and groups,
// rates measured between two readings of the broker's traffic counters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

interface TopJson {
  timestamp: number;
  intervalMs: number;
  broker: { pid: number; uptimeMs: number; version: string; topics: number; bytes: number };
  topics: Array<{
    name: string;
    partitions: number;
    messagesInPerSec: number;
    messagesOutPerSec: number;
    bytesInPerSec: number;
    bytesOutPerSec: number;
    messages: number;
    bytes: number;
    endOffsets: number[];
    traffic: { messagesIn: number; bytesIn: number; messagesOut: number; bytesOut: number };
  }>;
  groups: Array<{ group: string; state: string; members: number; topics: string[]; lag: number }>;
}

describe('e2e > top', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    assertExit(await sandbox.run(['topic', 'create', 'metrics', '-p', '2']), 0);
    assertExit(await sandbox.run(['produce', 'metrics', '--quiet'], { input: 'a\nb\nc\nd\n' }), 0);
    // A group with a committed offset and nothing left to read: lag 0, no members.
    assertExit(await sandbox.run(['consume', 'metrics', '-g', 'readers', '-e']), 0);
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('--json prints one snapshot: broker, topics with rates, sizes and end offsets, groups', async () => {
    const result = await sandbox.run(['top', '--json', '--interval-ms', '300']);
    assertExit(result, 0);
    const lines = result.stdout.toString('utf8').trimEnd().split('\n');
    assert.equal(lines.length, 1, 'one line of JSON');
    const top = JSON.parse(lines[0]!) as TopJson;
    assert.equal(top.broker.pid, sandbox.broker!.pid);
    assert.ok(top.intervalMs >= 250, `rates over ${top.intervalMs} ms`);
    const metrics = top.topics.find((t) => t.name === 'metrics');
    assert.ok(metrics !== undefined);
    assert.equal(metrics.partitions, 2);
    assert.equal(metrics.messages, 4);
    assert.equal(metrics.endOffsets.reduce((a, b) => a + b, 0), 4);
    assert.equal(metrics.traffic.messagesIn, 4);
    for (const rate of [metrics.messagesInPerSec, metrics.messagesOutPerSec, metrics.bytesInPerSec, metrics.bytesOutPerSec]) {
      assert.equal(typeof rate, 'number');
    }
    assert.deepEqual(top.groups, [{ group: 'readers', state: 'empty', members: 0, topics: ['metrics'], lag: 0 }]);
  });

  test('records appended during the interval show up as a rate in', async () => {
    const top = sandbox.spawn(['top', '--json', '--interval-ms', '1500']);
    // top reads the counters once it is connected and again 1500 ms later; when that first
    // reading comes is not known here. One produce sent a fixed 300 ms after the spawn landed
    // before it whenever top's start stalled for as long (rate 0): records go on being appended
    // until top exits instead, so some of them always fall between its two readings.
    for (let n = 0; top.running; n++) {
      assert.ok(n < 200, 'top did not exit');
      assertExit(await sandbox.run(['produce', 'metrics', '--quiet'], { input: 'x\n'.repeat(100) }), 0);
      await Promise.race([top.exited, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    const result = await top.finish();
    assertExit(result, 0);
    const metrics = (JSON.parse(result.stdout.toString('utf8')) as TopJson).topics.find((t) => t.name === 'metrics');
    assert.ok(metrics !== undefined && metrics.messagesInPerSec > 0, `messagesInPerSec ${metrics?.messagesInPerSec}`);
  });

  test('without a terminal, plain `spool top` prints the same JSON snapshot', async () => {
    const result = await sandbox.run(['top', '--interval-ms', '100']);
    assertExit(result, 0);
    const top = JSON.parse(result.stdout.toString('utf8')) as TopJson;
    assert.ok(Array.isArray(top.topics) && Array.isArray(top.groups));
  });
});
