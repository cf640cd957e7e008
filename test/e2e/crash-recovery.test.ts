// e2e: kill -9 of the broker in the middle of a long produce (SPEC §3 broker, §6): every message
// whose offset `produce --print-offsets` printed (it was acknowledged) is in the log after a
// restart, exactly once and in order, and the log goes on cleanly from where it ends.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { assertExit, assertNoStackTrace, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

/** Far more lines than are produced before the kill: the producer is never done on its own. */
const GENERATED_LINES = 20_000_000;
/** Acknowledged messages to wait for before the kill. */
const ACKED_BEFORE_KILL = 300_000;

describe('e2e > crash recovery', () => {
  let sandbox: SpoolSandbox;
  let generator: ChildProcess | null = null;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    if (generator?.pid !== undefined && generator.exitCode === null && generator.signalCode === null) process.kill(generator.pid, 'SIGKILL');
    await sandbox.cleanup();
  });

  test('after kill -9 mid-produce every acknowledged message is in the log once, in order, and the log goes on', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'crash']), 0);
    // `seq 1 N | spool produce crash --print-offsets`, with both pids known.
    generator = spawn('seq', ['1', String(GENERATED_LINES)], { stdio: ['ignore', 'pipe', 'ignore'] });
    // Without a wait for the broker to come back (idempotent-produce.test.ts covers the wait).
    const producer = sandbox.spawn(['produce', 'crash', '--print-offsets', '--reconnect-timeout-ms', '0'], { stdin: generator.stdout! });
    // Our copy of the pipe's read end must go, or seq would never see the producer's end.
    generator.stdout!.destroy();

    await producer.waitFor((p) => p.stdoutLineCount >= ACKED_BEFORE_KILL, `${ACKED_BEFORE_KILL} printed offsets`, 120_000);
    const brokerPid = sandbox.broker!.pid;
    await sandbox.killBroker();

    const failed = await producer.finish();
    const printed = stdoutLines(failed);
    const acked = printed.length;
    assert.ok(acked >= ACKED_BEFORE_KILL);
    printed.forEach((line, i) => {
      if (line !== `0 ${i}`) assert.fail(`printed offset line ${i + 1} is "${line}", expected "0 ${i}"`);
    });

    const restarted = await sandbox.startBroker();
    assert.notEqual(restarted.pid, brokerPid);
    const consumed = await sandbox.run(['consume', 'crash', '-e', '-f', '%o %s\\n'], { timeoutMs: 120_000 });
    assertExit(consumed, 0, 'consume after the restart');
    const records = stdoutLines(consumed);
    assert.ok(records.length >= acked, `${records.length} records stored, ${acked} were acknowledged`);
    // Offsets are dense from 0 and each holds the line of the same number: no loss, no duplicate.
    records.forEach((line, offset) => {
      if (line !== `${offset} ${offset + 1}`) assert.fail(`record ${offset} is "${line}", expected "${offset} ${offset + 1}"`);
    });

    const end = records.length;
    const more = await sandbox.run(['produce', 'crash', '--print-offsets', '--quiet'], { input: 'after-1\nafter-2\nafter-3\n' });
    assertExit(more, 0, 'produce after the restart');
    assert.deepEqual(stdoutLines(more), [`0 ${end}`, `0 ${end + 1}`, `0 ${end + 2}`]);
    const tail = await sandbox.run(['consume', 'crash', '-o', String(end - 1), '-e', '-f', '%o %s\\n']);
    assertExit(tail, 0);
    assert.deepEqual(stdoutLines(tail), [`${end - 1} ${end}`, `${end} after-1`, `${end + 1} after-2`, `${end + 2} after-3`]);
    const offsets = await sandbox.run(['topic', 'offsets', 'crash', '--json']);
    assert.deepEqual(JSON.parse(offsets.stdout.toString('utf8')), [{ partition: 0, logStartOffset: 0, logEndOffset: end + 3 }]);

    // Last, how the interrupted produce ended: exit 1 and one line with the acknowledged count.
    assertNoStackTrace(failed.stderr);
    assert.equal(failed.code, 1, `produce exits 1 when the broker dies (got ${failed.code}, signal ${failed.signal}); stderr: ${failed.stderr}`);
    assert.match(failed.stderr, /^spool: [^\n]+\n$/, `one error line: ${JSON.stringify(failed.stderr)}`);
    const count = /\((\d+) acknowledged/.exec(failed.stderr);
    assert.ok(count !== null, `the error says how many were acknowledged: ${failed.stderr}`);
    assert.equal(Number(count[1]), acked, 'the acknowledged count matches the printed offsets');
  });
});
