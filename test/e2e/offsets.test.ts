// e2e: where consume starts and stops (SPEC §3 consume: --from in every form, --until, -c, -e, -p).
// Records get explicit timestamps through `produce --json`, spaced 15 minutes apart and ending
// 8 minutes ago, so every @TIME below falls well between two records whatever the test's speed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit, assertOneErrorLine, stdoutLines, type SpoolResult } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const MINUTE_MS = 60_000;
const RECORDS = 10;

/** `%o %s` lines as [offset, value] pairs. */
function pairs(result: SpoolResult): Array<[number, string]> {
  return stdoutLines(result).map((line) => {
    const space = line.indexOf(' ');
    return [Number(line.slice(0, space)), line.slice(space + 1)];
  });
}

function offsetsFrom(first: number, end = RECORDS): number[] {
  return Array.from({ length: end - first }, (_, i) => first + i);
}

describe('e2e > consume offsets', () => {
  let sandbox: SpoolSandbox;
  const timestamps: number[] = [];

  /** consume `timed` with `args`, returning the offsets read (and checking each value). */
  async function offsetsRead(args: readonly string[]): Promise<number[]> {
    const result = await sandbox.run(['consume', 'timed', '-f', '%o %s\\n', ...args]);
    assertExit(result, 0, `consume ${args.join(' ')}`);
    const read = pairs(result);
    for (const [offset, value] of read) assert.equal(value, `v${offset}`);
    return read.map(([offset]) => offset);
  }

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    const now = Date.now();
    for (let i = 0; i < RECORDS; i++) timestamps.push(now - (RECORDS - i) * 15 * MINUTE_MS + 7 * MINUTE_MS);
    const input = timestamps.map((timestamp, i) => JSON.stringify({ key: null, value: `v${i}`, timestamp })).join('\n');
    assertExit(await sandbox.run(['produce', 'timed', '--json', '--quiet'], { input }), 0, 'produce --json');
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('without --from, and with --from beginning, -e reads everything and exits', async () => {
    assert.deepEqual(await offsetsRead(['-e']), offsetsFrom(0));
    assert.deepEqual(await offsetsRead(['-o', 'beginning', '-e']), offsetsFrom(0));
  });

  test('--from N starts at offset N and --from -N at N before the end', async () => {
    assert.deepEqual(await offsetsRead(['-o', '4', '-e']), offsetsFrom(4));
    assert.deepEqual(await offsetsRead(['--from', '-3', '-e']), offsetsFrom(7));
    assert.deepEqual(await offsetsRead(['--from', '0', '-e']), offsetsFrom(0));
  });

  test('--from @ISO-8601 and @epoch-ms start at the first record at or after that time', async () => {
    assert.deepEqual(await offsetsRead(['-o', `@${new Date(timestamps[3]!).toISOString()}`, '-e']), offsetsFrom(3));
    assert.deepEqual(await offsetsRead(['-o', `@${timestamps[5]!}`, '-e']), offsetsFrom(5));
    assert.deepEqual(await offsetsRead(['-o', `@${timestamps[5]! + 1}`, '-e']), offsetsFrom(6));
    assert.deepEqual(await offsetsRead(['-o', '@2000-01-01T00:00:00Z', '-e']), offsetsFrom(0));
  });

  test('--from @duration means that long ago', async () => {
    // Record 6 is 53 minutes old, record 5 68 minutes.
    assert.deepEqual(await offsetsRead(['-o', '@1h', '-e']), offsetsFrom(6));
    assert.deepEqual(await offsetsRead(['-o', '@30m', '-e']), offsetsFrom(8));
    assert.deepEqual(await offsetsRead(['-o', '@7d', '-e']), offsetsFrom(0));
  });

  test('--until N stops before offset N and --until @TIME before the first record at or after it', async () => {
    assert.deepEqual(await offsetsRead(['--until', '7']), offsetsFrom(0, 7));
    assert.deepEqual(await offsetsRead(['-o', '2', '--until', '5']), [2, 3, 4]);
    assert.deepEqual(await offsetsRead(['--until', `@${new Date(timestamps[4]!).toISOString()}`]), offsetsFrom(0, 4));
    assert.deepEqual(await offsetsRead(['-o', '@1h', '--until', '@30m']), [6, 7]);
  });

  test('-c N stops after N records, with or without -e', async () => {
    assert.deepEqual(await offsetsRead(['-c', '2']), [0, 1]);
    assert.deepEqual(await offsetsRead(['-o', '-5', '-c', '3']), [5, 6, 7]);
    assert.deepEqual(await offsetsRead(['-c', '50', '-e']), offsetsFrom(0));
  });

  test('-e on an empty topic and --from end -e exit at once with nothing', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'empty']), 0);
    const empty = await sandbox.run(['consume', 'empty', '-e']);
    assertExit(empty, 0);
    assert.equal(empty.stdout.length, 0);
    assert.deepEqual(await offsetsRead(['-o', 'end', '-e']), []);
  });

  test('--from end reads only what is produced after the consumer started', async () => {
    assertExit(await sandbox.run(['produce', 'live', '--quiet'], { input: 'old-0\nold-1\nold-2\n' }), 0);
    const consumer = sandbox.spawn(['consume', 'live', '-o', 'end', '-c', '2', '-f', '%o %s\\n']);
    // The consumer's start position is taken at some point after it starts: keep producing until
    // it has its two records, so the test does not depend on when that is.
    for (let n = 0; consumer.running && n < 240; n++) {
      assertExit(await sandbox.run(['produce', 'live', '--quiet'], { input: `late-${n}\n` }), 0);
      await Promise.race([consumer.exited, new Promise((resolve) => setTimeout(resolve, 250))]);
    }
    const result = await consumer.finish();
    assertExit(result, 0, 'consume -o end -c 2');
    const read = pairs(result);
    assert.equal(read.length, 2);
    const [[firstOffset, firstValue], [secondOffset, secondValue]] = read as [[number, string], [number, string]];
    assert.ok(firstOffset >= 3, `offset ${firstOffset} was produced before the consumer started`);
    assert.equal(secondOffset, firstOffset + 1);
    assert.equal(firstValue, `late-${firstOffset - 3}`);
    assert.equal(secondValue, `late-${secondOffset - 3}`);
  });

  test('-p reads only the given partitions and -N counts back in each partition', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'parts', '-p', '3']), 0);
    for (const [partition, input] of [['0', 'a0\na1\n'], ['1', 'b0\n'], ['2', 'c0\nc1\nc2\n']] as const) {
      assertExit(await sandbox.run(['produce', 'parts', '-p', partition, '--quiet'], { input }), 0, `produce -p ${partition}`);
    }
    const one = await sandbox.run(['consume', 'parts', '-p', '1', '-e', '-f', '%p %o %s\\n']);
    assertExit(one, 0);
    assert.deepEqual(stdoutLines(one), ['1 0 b0']);
    const two = await sandbox.run(['consume', 'parts', '-p', '0', '-p', '2', '-e', '-f', '%p %o %s\\n']);
    assertExit(two, 0);
    assert.deepEqual(stdoutLines(two).sort(), ['0 0 a0', '0 1 a1', '2 0 c0', '2 1 c1', '2 2 c2']);
    const last = await sandbox.run(['consume', 'parts', '-o', '-1', '-e', '-f', '%p %s\\n']);
    assertExit(last, 0);
    assert.deepEqual(stdoutLines(last).sort(), ['0 a1', '1 b0', '2 c2']);
  });

  test('an invalid --from or --until value exits 2 with one line, before reading anything', async () => {
    for (const args of [['-o', 'yesterday'], ['--from', '@not-a-time'], ['--from', '1.5'], ['--from', '@2026-02-30'], ['--until', '-3'], ['--until', 'soon']]) {
      const result = await sandbox.run(['consume', 'timed', '-e', ...args]);
      const line = assertOneErrorLine(result, 2, `consume ${args.join(' ')}`);
      assert.ok(line.includes(args[1]!), `the error names the value: ${line}`);
      assert.equal(result.stdout.length, 0);
    }
  });
});
