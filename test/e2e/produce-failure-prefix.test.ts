// e2e: a produce that fails mid-stream leaves exactly a prefix of its input (SPEC §3 produce,
// §7): the error line says how many messages are stored, those are the first ones of the input
// (of each partition's share of it on a topic with several), nothing of the input after the
// failed batch is stored, and sending the rest again completes the log. Real failures, no mocks:
// a full disk (the broker's file size limit set with prlimit makes write() fail with EFBIG as a
// full disk fails with ENOSPC; and a real 3 MiB tmpfs where it can be mounted), a batch over a
// max.message.bytes lowered meanwhile, a broker that stops and does not come back; plain lines,
// --json lines, and a keyed topic of three partitions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { partitionForKey } from '../../src/records/murmur2.js';
import { waitForProcessGone } from '../helpers/spool-broker.js';
import { assertExit, stdoutLines, type SpoolResult } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const MiB = 1024 * 1024;
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

/** Input line i (from 1): 99 bytes and the newline, as in the report of the defect. */
function line(i: number): string {
  return `line ${i} `.padEnd(99, 'x');
}

function lines(from: number, to: number, format: (i: number) => string = line): string {
  let text = '';
  for (let i = from; i <= to; i++) text += format(i) + '\n';
  return text;
}

/** The one error line of a failed produce: the line it names and the count it gives. */
function failureOf(result: SpoolResult, reason: RegExp): { line: number; stored: number } {
  assertExit(result, 1, 'the failed produce');
  const last = result.stderr.trimEnd().split('\n').at(-1)!;
  const match = /^spool: line (\d+): (.*) \((\d+) acknowledged before it\)$/.exec(last);
  assert.ok(match !== null, `error line: ${JSON.stringify(result.stderr)}`);
  assert.match(match[2]!, reason);
  return { line: Number(match[1]), stored: Number(match[3]) };
}

async function consumed(sandbox: SpoolSandbox, topic: string, partition?: number): Promise<string[]> {
  const args = ['consume', topic, '-e', ...(partition === undefined ? [] : ['-p', String(partition)])];
  const result = await sandbox.run(args, { timeoutMs: 120_000 });
  assertExit(result, 0, 'consume');
  return stdoutLines(result);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Every line of the log equals the input's, in order: compared one by one for a readable failure. */
function assertLines(actual: readonly string[], expected: readonly string[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} lines stored, ${expected.length} expected`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) assert.fail(`${what}: line ${i + 1} is "${actual[i]?.slice(0, 24)}…", expected "${expected[i]?.slice(0, 24)}…"`);
  }
}

describe('e2e > produce failure leaves a prefix > full disk', { skip: hasPrlimit ? false : 'prlimit is not installed' }, () => {
  let sandbox: SpoolSandbox;

  beforeEach(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  function limitFileSize(bytes: number | 'unlimited'): void {
    const result = spawnSync('prlimit', ['--pid', String(sandbox.broker!.pid), `--fsize=${bytes}:unlimited`]);
    assert.equal(result.status, 0, result.stderr.toString());
  }

  test('5 MB of lines into a 3 MiB limit: the first N lines are stored, N is said, the rest completes it', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'full']), 0);
    const total = 50_000;
    limitFileSize(3 * MiB);
    const failed = await sandbox.run(['produce', 'full'], { input: lines(1, total) });
    const { line: failedLine, stored } = failureOf(failed, /^write to .* failed: /);
    assert.equal(failed.stderr.split('\n').length, 2, 'one error line');
    assert.ok(stored > 10_000 && stored < total, `${stored} stored`);
    assert.equal(failedLine, stored + 1, 'the failed line follows the stored ones');
    assertLines(await consumed(sandbox, 'full'), range(1, stored).map(line), 'after the failure');

    limitFileSize('unlimited');
    assertExit(await sandbox.run(['produce', 'full', '--quiet'], { input: lines(stored + 1, total) }), 0, 'the retry');
    assertLines(await consumed(sandbox, 'full'), range(1, total).map(line), 'after the retry');
  });

  test('--json lines: the same prefix, and the retry completes it', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'json']), 0);
    const total = 40_000;
    const envelope = (i: number) => JSON.stringify({ key: `k${i % 10}`, value: line(i), headers: { n: String(i) } });
    limitFileSize(2 * MiB);
    const failed = await sandbox.run(['produce', 'json', '--json'], { input: lines(1, total, envelope) });
    const { line: failedLine, stored } = failureOf(failed, /^write to .* failed: /);
    assert.equal(failedLine, stored + 1);
    assertLines(await consumed(sandbox, 'json'), range(1, stored).map(line), 'after the failure');
    limitFileSize('unlimited');
    assertExit(await sandbox.run(['produce', 'json', '--json', '--quiet'], { input: lines(stored + 1, total, envelope) }), 0);
    assertLines(await consumed(sandbox, 'json'), range(1, total).map(line), 'after the retry');
  });

  test('three partitions: each holds the first of its lines, the counts add up, the rest completes each', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'multi', '-p', '3']), 0);
    const total = 110_000;
    const keyOf = (i: number) => `key-${i % 11}`;
    const partitionOf = (i: number) => partitionForKey(Buffer.from(keyOf(i)), 3);
    const keyed = (i: number) => `${keyOf(i)}:${line(i)}`;
    limitFileSize(3 * MiB);
    const failed = await sandbox.run(['produce', 'multi', '-K', ':'], { input: lines(1, total, keyed) });
    const { stored } = failureOf(failed, /^write to .* failed: /);

    const rest: number[] = [];
    let counted = 0;
    for (const p of [0, 1, 2]) {
      const mine = range(1, total).filter((i) => partitionOf(i) === p);
      const held = await consumed(sandbox, 'multi', p);
      assertLines(held, mine.slice(0, held.length).map(line), `partition ${p} after the failure`);
      counted += held.length;
      rest.push(...mine.slice(held.length));
    }
    assert.equal(counted, stored, 'the count is of every message stored');
    assert.ok(rest.length > 0);

    limitFileSize('unlimited');
    rest.sort((a, b) => a - b);
    assertExit(await sandbox.run(['produce', 'multi', '-K', ':', '--quiet'], { input: rest.map((i) => keyed(i) + '\n').join('') }), 0);
    for (const p of [0, 1, 2]) {
      const mine = range(1, total).filter((i) => partitionOf(i) === p);
      assertLines(await consumed(sandbox, 'multi', p), mine.map(line), `partition ${p} after the retry`);
    }
  });
});

describe('e2e > produce failure leaves a prefix > refused or gone mid-stream', () => {
  let sandbox: SpoolSandbox;

  beforeEach(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  test('a batch over a max.message.bytes lowered meanwhile: the lines before it are stored, nothing after', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'shrunk']), 0);
    const producer = sandbox.spawn(['produce', 'shrunk', '--print-offsets']);
    await producer.write(lines(1, 3000));
    await producer.waitFor((p) => p.stdoutLineCount >= 3000, 'the first 3000 lines acknowledged');
    assertExit(await sandbox.run(['topic', 'alter', 'shrunk', '--config', 'max.message.bytes=2000']), 0);
    await producer.write(lines(3001, 30_000));
    producer.end();
    const { line: failedLine, stored } = failureOf(await producer.finish(), /over max\.message\.bytes 2000$/);
    assert.equal(stored, 3000);
    assert.equal(failedLine, 3001);
    assertLines(await consumed(sandbox, 'shrunk'), range(1, 3000).map(line), 'after the failure');

    assertExit(await sandbox.run(['topic', 'alter', 'shrunk', '--config', 'max.message.bytes=']), 0);
    assertExit(await sandbox.run(['produce', 'shrunk', '--quiet'], { input: lines(3001, 30_000) }), 0);
    assertLines(await consumed(sandbox, 'shrunk'), range(1, 30_000).map(line), 'after the retry');
  });

  test('a broker that stops and does not come back: the count is exact and the rest completes it', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'gone']), 0);
    const producer = sandbox.spawn(['produce', 'gone', '--print-offsets', '--reconnect-timeout-ms', '1500']);
    await producer.write(lines(1, 20_000));
    await producer.waitFor((p) => p.stdoutLineCount >= 20_000, 'the first 20000 lines acknowledged');
    // More input while the broker stops (batches in flight when it goes), and after it is gone
    // until the producer gives up (its stdin is closed then).
    let stopped = false;
    const stopping = sandbox.run(['broker', 'stop']).then((result) => {
      stopped = true;
      return result;
    });
    // On a loaded machine `broker stop` may return after the producer has given up and closed its
    // stdin: then the writing ends there.
    let givenUp = false;
    let next = 20_001;
    for (; next <= 50_000 && !stopped && !givenUp; next += 500) {
      await producer.write(lines(next, next + 499)).catch(() => (givenUp = true));
      await sleep(10);
    }
    assertExit(await stopping, 0, 'broker stop');
    await producer.write(lines(next, 60_000)).catch(() => undefined);
    producer.end();
    await waitForProcessGone(sandbox.broker!.pid);
    const failed = await producer.finish();
    const { line: failedLine, stored } = failureOf(failed, /^lost the broker \(.*\) and it did not come back within 1\.5 s$/);
    assert.match(failed.stderr, /^spool: lost the broker \(.*\); waiting up to 1\.5 s for it to come back$/m);
    assert.ok(stored >= 20_000 && stored < 60_000, `${stored} stored`);
    assert.equal(failedLine, stored + 1);
    assert.equal(stdoutLines(failed).length, stored, 'an offset printed for each stored message');

    await sandbox.startBroker();
    assertLines(await consumed(sandbox, 'gone'), range(1, stored).map(line), 'after the failure');
    assertExit(await sandbox.run(['produce', 'gone', '--quiet'], { input: lines(stored + 1, 60_000) }), 0);
    assertLines(await consumed(sandbox, 'gone'), range(1, 60_000).map(line), 'after the retry');
  });
});

describe('e2e > produce failure leaves a prefix > a real 3 MiB data directory', () => {
  let sandbox: SpoolSandbox | null = null;
  let mounted: string | null = null;

  after(async () => {
    if (sandbox === null) return;
    if (sandbox.broker !== null) {
      await sandbox.run(['broker', 'stop']);
      await waitForProcessGone(sandbox.broker.pid);
      sandbox.broker = null;
    }
    if (mounted !== null) spawnSync('umount', [mounted]);
    await sandbox.cleanup();
  });

  test('ENOSPC on a full tmpfs: exactly the first N lines, and after more space the rest completes the log', async (t) => {
    sandbox = await SpoolSandbox.create({ dataSubdir: 'data' });
    mkdirSync(sandbox.dataDir);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', sandbox.dataDir]).status !== 0) {
      t.skip('cannot mount a tmpfs here (needs root)');
      return;
    }
    mounted = sandbox.dataDir;
    await sandbox.startBroker();
    const total = 50_000;
    const failed = await sandbox.run(['produce', 't'], { input: lines(1, total) });
    const { line: failedLine, stored } = failureOf(failed, /ENOSPC/);
    assert.equal(failedLine, stored + 1);
    assertLines(await consumed(sandbox, 't'), range(1, stored).map(line), 'after ENOSPC');

    assert.equal(spawnSync('mount', ['-o', 'remount,size=16m', mounted]).status, 0);
    assertExit(await sandbox.run(['produce', 't', '--quiet'], { input: lines(stored + 1, total) }), 0);
    assertLines(await consumed(sandbox, 't'), range(1, total).map(line), 'after the retry');
  });
});
