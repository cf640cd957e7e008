// e2e: `spool tail` into a pipe (SPEC §3 tail): the last N records across partitions in
// timestamp order, printed exactly as `consume -f FMT` prints them, then new records as they come,
// each flushed at once; glob patterns that also pick up topics created later; Ctrl-C exits 0.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { assertExit, assertOneErrorLine, stdoutLines, textLines, type SpoolProcess } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const BASE_TIMESTAMP = Date.now() - 3_600_000;

/** `count` envelope lines: record i goes to partition i % partitions, 10 ms after record i - 1. */
function envelopes(count: number, partitions: number, prefix = 'v'): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    text += JSON.stringify({ key: `k${i}`, value: `${prefix}${i}`, partition: i % partitions, timestamp: BASE_TIMESTAMP + i * 10, headers: { n: String(i) } }) + '\n';
  }
  return text;
}

/** Lines printed so far. */
function lines(proc: SpoolProcess): string[] {
  return textLines(proc.stdout);
}

describe('e2e > tail', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    assertExit(await sandbox.run(['topic', 'create', 'three', '-p', '3']), 0);
    assertExit(await sandbox.run(['produce', 'three', '--json'], { input: envelopes(30, 3) }), 0);
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('--no-follow prints the last N records across partitions in timestamp order and exits 0', async () => {
    const result = await sandbox.run(['tail', 'three', '-n', '7', '--no-follow', '-f', '%p %o %s\\n']);
    assertExit(result, 0);
    const expected = [23, 24, 25, 26, 27, 28, 29].map((i) => `${i % 3} ${Math.floor(i / 3)} v${i}`);
    assert.deepEqual(stdoutLines(result), expected);
  });

  test('without -n: the last 10 values, one per line, as consume prints them by default', async () => {
    const result = await sandbox.run(['tail', 'three', '--no-follow']);
    assertExit(result, 0);
    assert.deepEqual(stdoutLines(result), Array.from({ length: 10 }, (_, i) => `v${20 + i}`));
  });

  test('each line is byte for byte the line consume -f prints for that record (json, templates)', async () => {
    for (const format of ['json', '%t|%p|%o|%k|%s|%T|%h|%K|%S|%d\\n']) {
      const tail = await sandbox.run(['tail', 'three', '-n', '12', '--no-follow', '-f', format]);
      const consume = await sandbox.run(['consume', 'three', '-e', '-f', format]);
      assertExit(tail, 0, `tail -f ${format}`);
      assertExit(consume, 0, `consume -f ${format}`);
      const consumed = new Set(stdoutLines(consume));
      const tailed = stdoutLines(tail);
      assert.equal(tailed.length, 12);
      for (const line of tailed) assert.ok(consumed.has(line), `tail printed a line consume did not: ${line}`);
    }
  });

  test('-n larger than the topic prints everything; --grep filters the last N', async () => {
    const all = await sandbox.run(['tail', 'three', '-n', '1000', '--no-follow']);
    assert.equal(stdoutLines(all).length, 30);
    const grep = await sandbox.run(['tail', 'three', '-n', '10', '--no-follow', '--grep', '^v2[0-4]$']);
    assert.deepEqual(stdoutLines(grep), ['v20', 'v21', 'v22', 'v23', 'v24']);
  });

  test('a plain topic name that does not exist is an error; a bad -n is a usage error', async () => {
    const missing = assertOneErrorLine(await sandbox.run(['tail', 'no-such-topic', '--no-follow']), 1);
    assert.match(missing, /topic "no-such-topic" does not exist/);
    assertOneErrorLine(await sandbox.run(['tail', 'three', '-n', 'ten']), 2);
    assertOneErrorLine(await sandbox.run(['tail', 'bad/name']), 2);
  });

  test('then it follows: every new record comes out at once, while the producer still runs; SIGINT exits 0', async () => {
    assertExit(await sandbox.run(['produce', 'live', '--quiet'], { input: 'before\n' }), 0);
    const tail = sandbox.spawn(['tail', 'live', '-n', '1']);
    await tail.waitFor((p) => lines(p).includes('before'), 'the last record');
    // One producer process, fed one line at a time: each must reach tail's pipe before the next
    // is even sent, so nothing may wait in a buffer (not in produce, broker or tail).
    const producer = sandbox.spawn(['produce', 'live', '--linger-ms', '0', '--quiet']);
    for (let i = 1; i <= 5; i++) {
      await producer.write(`live-${i}\n`);
      await tail.waitFor((p) => lines(p).includes(`live-${i}`), `live-${i} while the producer runs`, 20_000);
    }
    producer.end();
    assertExit(await producer.finish(), 0, 'produce');
    tail.kill('SIGINT');
    const result = await tail.finish();
    assertExit(result, 0, 'tail after SIGINT');
    assert.deepEqual(stdoutLines(result), ['before', 'live-1', 'live-2', 'live-3', 'live-4', 'live-5']);
  });

  test('-n 0 follows only records produced after it started', async () => {
    assertExit(await sandbox.run(['produce', 'fresh', '--quiet'], { input: 'old-1\nold-2\n' }), 0);
    const tail = sandbox.spawn(['tail', 'fresh', '-n', '0', '-f', '%o %s\\n']);
    // Until tail is following, a record could land before its start offsets: repeat a marker.
    for (let i = 0; !lines(tail).some((l) => l.endsWith(' marker')); i++) {
      assert.ok(i < 100, 'tail did not start following');
      assertExit(await sandbox.run(['produce', 'fresh', '--quiet'], { input: 'marker\n' }), 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assertExit(await sandbox.run(['produce', 'fresh', '--quiet'], { input: 'new-1\n' }), 0);
    await tail.waitFor((p) => lines(p).some((l) => l.endsWith(' new-1')), 'new-1');
    tail.kill('SIGINT');
    const printed = stdoutLines(await tail.finish());
    assert.ok(!printed.some((l) => l.includes('old-')), printed.join('\n'));
    assert.equal(printed[printed.length - 1]?.split(' ')[1], 'new-1');
  });

  test('a glob follows the matching topics, and topics created later', async () => {
    assertExit(await sandbox.run(['produce', 'app.one', '--quiet'], { input: 'one-old\n' }), 0);
    assertExit(await sandbox.run(['produce', 'other', '--quiet'], { input: 'other-old\n' }), 0);
    const tail = sandbox.spawn(['tail', 'app.*', '-n', '5', '-f', '%t %s\\n']);
    await tail.waitFor((p) => lines(p).includes('app.one one-old'), 'the existing topic');
    assertExit(await sandbox.run(['produce', 'app.two', '--quiet'], { input: 'two-1\ntwo-2\n' }), 0);
    await tail.waitFor((p) => lines(p).includes('app.two two-2'), 'a topic created after tail started', 20_000);
    assertExit(await sandbox.run(['produce', 'other', '--quiet'], { input: 'other-new\n' }), 0);
    assertExit(await sandbox.run(['produce', 'app.one', '--quiet'], { input: 'one-new\n' }), 0);
    await tail.waitFor((p) => lines(p).includes('app.one one-new'), 'a new record of the first topic');
    tail.kill('SIGTERM');
    const result = await tail.finish();
    assertExit(result, 0);
    assert.deepEqual(stdoutLines(result), ['app.one one-old', 'app.two two-1', 'app.two two-2', 'app.one one-new']);
  });

  test('a glob that matches nothing: --no-follow is an error (exit 1); following waits for a topic, with no note into a pipe', async () => {
    const once = await sandbox.run(['tail', 'later.*', '--no-follow']);
    assert.equal(assertOneErrorLine(once, 1, 'tail later.* --no-follow'), 'spool: no topic matches "later.*" (spool topic list shows the topics)');
    assert.equal(once.stdout.length, 0);
    const several = await sandbox.run(['tail', 'later.*', 'never.*', '--no-follow']);
    assert.equal(assertOneErrorLine(several, 1, 'tail later.* never.* --no-follow'), 'spool: no topic matches "later.*" or "never.*" (spool topic list shows the topics)');
    const oneMatches = await sandbox.run(['tail', 'three', 'never.*', '--no-follow', '-n', '1']);
    assertExit(oneMatches, 0, 'tail three never.* --no-follow');
    assert.equal(stdoutLines(oneMatches).length, 1);

    // stderr is a pipe here: the note on what it waits for is for terminals only.
    const tail = sandbox.spawn(['tail', 'later.*']);
    // Nothing to wait for on its output: give it time to find no topic before one appears.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assertExit(await sandbox.run(['produce', 'later.x', '--quiet'], { input: 'finally\n' }), 0);
    await tail.waitFor((p) => lines(p).includes('finally'), 'the first topic to match', 20_000);
    tail.kill('SIGINT');
    const result = await tail.finish();
    assertExit(result, 0);
    assert.equal(result.stderr, '');
  });

  test('works in a shell pipeline with grep --line-buffered, and ends when the pipe closes', async () => {
    assertExit(await sandbox.run(['produce', 'piped', '--quiet'], { input: 'keep-0\n' }), 0);
    const out = join(sandbox.dir, 'piped.txt');
    const script = `
      spool tail "$1" -n 1 | grep --line-buffered keep | head -n 3 > "$2" &
      for i in $(seq 1 200); do [ -s "$2" ] && break; sleep 0.05; done
      printf 'drop\\nkeep-1\\ndrop\\nkeep-2\\n' | spool produce "$1" -q
      # head has its three lines; tail ends at its next write into the closed pipe
      for i in $(seq 1 100); do [ -z "$(jobs -rp)" ] && break; echo keep-more | spool produce "$1" -q; sleep 0.2; done
      wait
    `;
    const result = await sandbox.shell(script, ['piped', out]);
    assertExit(result, 0, 'the pipeline');
    assert.deepEqual((await readFile(out, 'utf8')).trimEnd().split('\n'), ['keep-0', 'keep-1', 'keep-2']);
  });

  test('no escape sequence reaches a pipe, even where colour is allowed', async () => {
    const colourAllowed = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color' };
    for (const args of [
      ['tail', 'three', '--no-follow'],
      ['tail', 'three', '--no-follow', '-f', 'json'],
      ['top', '--json', '--interval-ms', '100'],
      ['top', '--interval-ms', '100'],
      ['topic', 'list'],
      ['group', 'list'],
      ['consume', 'three', '-e'],
      ['completion', 'bash'],
      ['--help'],
    ]) {
      const result = await sandbox.run(args, { env: colourAllowed });
      assertExit(result, 0, args.join(' '));
      assert.ok(!result.stdout.includes(0x1b), `ESC on stdout of spool ${args.join(' ')}`);
      assert.ok(!result.stderr.includes('\u001b'), `ESC on stderr of spool ${args.join(' ')}`);
    }
  });
});
