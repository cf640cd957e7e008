// e2e: log compaction through the real CLI and a real broker whose cleaner runs every 200 ms.
// A compacted topic keeps exactly the latest value of each key at its original offset; a
// tombstone (-Z) removes the older values of its key and, after delete.retention.ms, itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const DEADLINE_MS = 30_000;
const KEYS = 8;
/** Every round is one batch larger than half of segment.bytes=1024, so each round rolls a segment. */
const VALUE_BYTES = 70;

function round(r: number, skipKey?: number): string {
  let lines = '';
  for (let k = 0; k < KEYS; k++) if (k !== skipKey) lines += `k${k}:${`r${r}`.padEnd(VALUE_BYTES, '.')}\n`;
  return lines;
}

describe('e2e > log compaction', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true, brokerArgs: ['--retention-check-ms', '200'] });
  });
  after(async () => {
    await sandbox.cleanup();
  });

  async function createCompacted(topic: string, deleteRetentionMs: number): Promise<void> {
    const created = await sandbox.run([
      'topic', 'create', topic,
      '--config', 'cleanup.policy=compact',
      '--config', 'segment.bytes=1024',
      '--config', `delete.retention.ms=${deleteRetentionMs}`,
    ]);
    assertExit(created, 0, 'topic create');
  }

  async function produce(topic: string, lines: string): Promise<void> {
    assertExit(await sandbox.run(['produce', topic, '-K', ':', '-Z', '--quiet'], { input: lines }), 0, 'produce');
  }

  async function consume(topic: string): Promise<string[]> {
    const result = await sandbox.run(['consume', topic, '-e', '-f', '%o %k %s\\n']);
    assertExit(result, 0, 'consume');
    return stdoutLines(result);
  }

  /** Consume until `done` holds for the lines, polling; fails with the last lines at the deadline. */
  async function consumeUntil(topic: string, done: (lines: string[]) => boolean, what: string): Promise<string[]> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const lines = await consume(topic);
      if (done(lines)) return lines;
      assert.ok(Date.now() < deadline, `${what} not reached; consumed:\n${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  test('the cleaner keeps exactly the latest value per key at its original offset', async () => {
    await createCompacted('state', 600_000);
    const rounds = 10;
    for (let r = 0; r < rounds; r++) await produce('state', round(r));
    const all = await consume('state');
    assert.ok(all.length >= KEYS, `${all.length} records before compaction`);
    const lines = await consumeUntil('state', (l) => l.length === KEYS, 'one record per key');
    const last = (rounds - 1) * KEYS;
    assert.deepEqual(
      lines,
      Array.from({ length: KEYS }, (_, k) => `${last + k} k${k} ${`r${rounds - 1}`.padEnd(VALUE_BYTES, '.')}`),
    );
    const offsets = JSON.parse((await sandbox.run(['topic', 'offsets', 'state', '--json'])).stdout.toString()) as Array<{ logEndOffset: number }>;
    assert.equal(offsets[0]!.logEndOffset, rounds * KEYS, 'the end offset stays where it was');
    const from = await sandbox.run(['consume', 'state', '-e', '-o', '5', '-f', '%o\\n']);
    assert.equal(stdoutLines(from)[0], String(last), 'a consumer from a removed offset starts at the next record kept');
  });

  test('the small segments compaction leaves are merged into few, every record kept at its offset', async () => {
    await createCompacted('merged', 600_000);
    // Each round rolls a segment, keeps one record of its own key (u<r>) and supersedes the round
    // before: compaction alone would leave a closed segment per round, none of them empty.
    const rounds = 10;
    for (let r = 0; r < rounds; r++) await produce('merged', `u${r}:unique ${r}\n` + round(r));
    const segments = async () => {
      const described = await sandbox.run(['topic', 'describe', 'merged', '--json']);
      assertExit(described, 0, 'topic describe');
      return (JSON.parse(described.stdout.toString()) as { partitions: Array<{ segments: number }> }).partitions[0]!.segments;
    };
    const lines = await consumeUntil('merged', (l) => l.length === rounds - 1 + KEYS + 1, 'the unique keys and the last round');
    const perRound = KEYS + 1;
    assert.deepEqual(
      lines.slice(0, rounds - 1),
      Array.from({ length: rounds - 1 }, (_, r) => `${r * perRound} u${r} unique ${r}`),
      'the unique keys at their original offsets',
    );
    const deadline = Date.now() + DEADLINE_MS;
    while ((await segments()) > 3) {
      assert.ok(Date.now() < deadline, `still ${await segments()} segments`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(await consume('merged'), lines, 'merging changed no record');
  });

  test('a tombstone removes the older values of its key at once and itself after delete.retention.ms', async () => {
    await createCompacted('deletes', 4000);
    for (let r = 0; r < 4; r++) await produce('deletes', round(r));
    await produce('deletes', 'k3:\n');
    const tombstoneOffset = 4 * KEYS;
    // Two more rounds without k3 close the segment holding the tombstone.
    for (let r = 4; r < 6; r++) await produce('deletes', round(r, 3));
    const k3 = (lines: string[]) => lines.filter((l) => l.split(' ')[1] === 'k3');
    const compacted = await consumeUntil('deletes', (l) => k3(l).length === 1 && l.length === KEYS, 'only the tombstone left of k3');
    assert.deepEqual(k3(compacted), [`${tombstoneOffset} k3 `], 'the tombstone is still there before delete.retention.ms');
    const cleaned = await consumeUntil('deletes', (l) => k3(l).length === 0, 'the tombstone gone');
    assert.equal(cleaned.length, KEYS - 1);
    for (const line of cleaned) assert.match(line, /^\d+ k\d r5\.+$/);
  });

  test('compaction keeps working after a restart of the broker', async () => {
    await createCompacted('restart', 600_000);
    for (let r = 0; r < 3; r++) await produce('restart', round(r));
    await sandbox.killBroker();
    await sandbox.startBroker(['--retention-check-ms', '200']);
    for (let r = 3; r < 6; r++) await produce('restart', round(r));
    const lines = await consumeUntil('restart', (l) => l.length === KEYS, 'one record per key');
    assert.deepEqual(lines.map((l) => l.split(' ')[0]), Array.from({ length: KEYS }, (_, k) => String(5 * KEYS + k)));
  });
});
