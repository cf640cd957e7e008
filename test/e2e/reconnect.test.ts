// e2e: readers that outlive their broker. A following `consume` or `tail` whose broker is stopped
// or killed says so once on stderr, waits without starting a broker itself, and goes on from the
// same positions when one listens again: nothing is lost or printed twice. Ctrl-C while waiting
// is a clean stop (exit 0). (Group members across a restart: groups-membership.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { lockFilePid, processRunning, stopBroker } from '../helpers/spool-broker.js';
import { assertExit, assertNoStackTrace, textLines, type SpoolProcess } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
const lines = (p: SpoolProcess) => textLines(p.stdout);

describe('e2e > reconnect after a broker restart', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    assertExit(await sandbox.run(['topic', 'create', 'feed', '-p', '2']), 0);
  });

  after(async () => {
    await sandbox.cleanup();
  });

  async function produce(from: number, to: number): Promise<void> {
    assertExit(await sandbox.run(['produce', 'feed', '-q'], { input: numbers(from, to).join('\n') + '\n' }), 0);
  }

  test('consume and tail go on after a graceful stop and after a kill -9 of the broker', async () => {
    await produce(1, 20);
    const consumer = sandbox.spawn(['consume', 'feed'], { stdin: 'ignore' });
    const tail = sandbox.spawn(['tail', 'feed', '-n', '3'], { stdin: 'ignore' });
    await consumer.waitFor((p) => lines(p).length === 20, 'the first 20 records');
    // Once the last 3 are printed, tail follows from the ends it read them up to.
    await tail.waitFor((p) => lines(p).length === 3, 'the last 3 records');
    await produce(21, 25);
    await tail.waitFor((p) => lines(p).length === 8, 'tail to print 5 new records');

    await stopBroker(sandbox.broker!);
    for (const reader of [consumer, tail]) {
      await reader.waitFor((p) => p.stderr.includes('spool: lost the broker'), 'the notice of a lost broker');
    }
    assert.equal(lockFilePid(sandbox.dataDir), null, 'no reader started a broker of its own');
    await sandbox.startBroker();
    await produce(26, 40);
    await consumer.waitFor((p) => lines(p).length === 40, 'the records produced after the restart');
    await tail.waitFor((p) => lines(p).length === 23, 'tail to follow after the restart');

    await sandbox.killBroker();
    await sandbox.startBroker();
    await produce(41, 50);
    await consumer.waitFor((p) => lines(p).length === 50, 'the records produced after the kill -9');
    await tail.waitFor((p) => lines(p).length === 33, 'tail to follow after the kill -9');

    for (const reader of [consumer, tail]) {
      reader.kill('SIGINT');
      const result = await reader.finish();
      assertExit(result, 0, 'Ctrl-C');
      assertNoStackTrace(result.stderr);
      assert.equal(result.stderr.match(/spool: the broker is back/g)?.length, 2, result.stderr);
    }
    assert.deepEqual([...lines(consumer)].sort((a, b) => Number(a) - Number(b)), numbers(1, 50), 'consume: each record once');
    assert.deepEqual(lines(tail).slice(3).sort((a, b) => Number(a) - Number(b)), numbers(21, 50), 'tail: each new record once');
  });

  test('group describe --watch goes on printing after a broker restart', async () => {
    await produce(51, 60);
    assertExit(await sandbox.run(['consume', 'feed', '-g', 'watched', '-e']), 0);
    const watch = sandbox.spawn(['group', 'describe', 'watched', '--watch', '--json'], { stdin: 'ignore' });
    await watch.waitFor((p) => lines(p).length >= 1, 'the first refresh');
    await stopBroker(sandbox.broker!);
    await watch.waitFor((p) => p.stderr.includes('spool: lost the broker'), 'the notice of a lost broker');
    await sandbox.startBroker();
    const before = lines(watch).length;
    await watch.waitFor((p) => lines(p).length >= before + 2, 'refreshes after the restart');
    watch.kill('SIGINT');
    const result = await watch.finish();
    assertExit(result, 0, 'Ctrl-C');
    assertNoStackTrace(result.stderr);
    for (const line of lines(watch)) {
      const d = JSON.parse(line) as { group: string; state: string; partitions: Array<{ committedOffset: number }> };
      assert.equal(d.group, 'watched');
      assert.equal(d.state, 'empty');
      assert.equal(d.partitions.reduce((n, p) => n + p.committedOffset, 0), 60, 'the commits survive the restart');
    }
  });

  test('Ctrl-C while waiting for the broker exits 0', async () => {
    const consumer = sandbox.spawn(['consume', 'feed', '-o', 'end'], { stdin: 'ignore' });
    const tail = sandbox.spawn(['tail', 'feed'], { stdin: 'ignore' });
    await tail.waitFor((p) => lines(p).length === 10, 'the last 10 records');
    // Both must be following before the broker stops: a reader that finds no broker at its start
    // exits 3 instead. From the end, the consumer prints only records produced after it began:
    // produce until it has printed one.
    const deadline = Date.now() + 15_000;
    for (let n = 1000; lines(consumer).length === 0; n++) {
      assert.ok(Date.now() < deadline && processRunning(consumer.pid), `the consumer printed nothing; stderr: ${consumer.stderr}`);
      await produce(n, n);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stopBroker(sandbox.broker!);
    for (const reader of [consumer, tail]) {
      await reader.waitFor((p) => p.stderr.includes('spool: lost the broker'), 'the notice of a lost broker');
      assert.ok(processRunning(reader.pid), 'still waiting');
      reader.kill('SIGINT');
      const result = await reader.finish();
      assertExit(result, 0, 'Ctrl-C while waiting');
      assertNoStackTrace(result.stderr);
    }
    await sandbox.startBroker();
  });
});
