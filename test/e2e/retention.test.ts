// Retention by time and by size with small segments, and `topic trim` by offset and by time:
// records expire, the log start advances, `topic offsets` shows it, and a consumer from the
// beginning starts at the new start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';
import { stdoutLines } from '../helpers/spool-cli.js';

interface Offsets {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  offset?: number;
}

const DEADLINE_MS = 20_000;

describe('e2e > retention and trim', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true, brokerArgs: ['--retention-check-ms', '200'] });
  });
  after(async () => {
    await sandbox.cleanup();
  });

  async function offsets(topic: string): Promise<Offsets> {
    const result = await sandbox.run(['topic', 'offsets', topic, '--json']);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout.toString()) as Offsets[])[0]!;
  }

  /** Many small batches, so that segments roll at a small segment.bytes. */
  async function produceBatches(topic: string, batches: number, perBatch: number, from = 0): Promise<void> {
    for (let b = 0; b < batches; b++) {
      const lines = Array.from({ length: perBatch }, (_, i) => `v${from + b * perBatch + i}`).join('\n') + '\n';
      const result = await sandbox.run(['produce', topic, '--quiet'], { input: lines });
      assert.equal(result.code, 0, result.stderr);
    }
  }

  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      assert.ok(Date.now() < deadline, `condition not reached: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('retention.bytes deletes the oldest closed segments and consumers start at the new log start', async () => {
    const created = await sandbox.run(['topic', 'create', 'by-size', '--config', 'segment.bytes=2048', '--config', 'retention.bytes=6000']);
    assert.equal(created.code, 0, created.stderr);
    await produceBatches('by-size', 30, 40);
    const settled = await waitFor(() => offsets('by-size'), (o) => o.logStartOffset > 0);
    assert.equal(settled.logEndOffset, 1200);
    const described = JSON.parse((await sandbox.run(['topic', 'describe', 'by-size', '--json'])).stdout.toString()) as {
      partitions: Array<{ bytes: number }>;
    };
    assert.ok(described.partitions[0]!.bytes <= 6000, `size ${described.partitions[0]!.bytes} after retention`);
    const start = (await offsets('by-size')).logStartOffset;
    const lines = stdoutLines(await sandbox.run(['consume', 'by-size', '-e']));
    assert.equal(lines[0], `v${start}`, 'a consumer from the beginning starts at the log start');
    assert.equal(lines.length, 1200 - start);
  });

  test('retention.ms deletes expired segments once segment.ms has rolled the active one', async () => {
    const created = await sandbox.run([
      'topic', 'create', 'by-time', '--config', 'segment.bytes=2048', '--config', 'segment.ms=300', '--config', 'retention.ms=600',
    ]);
    assert.equal(created.code, 0, created.stderr);
    await produceBatches('by-time', 10, 40);
    const expired = await waitFor(() => offsets('by-time'), (o) => o.logStartOffset === o.logEndOffset);
    assert.equal(expired.logEndOffset, 400, 'the end offset stays where it was');
    assert.deepEqual(stdoutLines(await sandbox.run(['consume', 'by-time', '-e'])), []);
    // Records produced now would expire in turn 600 ms later, and a consume started later than
    // that (a stalled start on a loaded machine) would find them gone: keep them for the check.
    const kept = await sandbox.run(['topic', 'alter', 'by-time', '--config', 'retention.ms=-1']);
    assert.equal(kept.code, 0, kept.stderr);
    await produceBatches('by-time', 1, 3, 400);
    assert.deepEqual(stdoutLines(await sandbox.run(['consume', 'by-time', '-e'])), ['v400', 'v401', 'v402'], 'offsets continue after everything expired');
  });

  test('a shorter retention set with topic alter applies on the next cleaner pass', async () => {
    await sandbox.run(['topic', 'create', 'altered', '--config', 'segment.bytes=2048']);
    await produceBatches('altered', 20, 40);
    assert.equal((await offsets('altered')).logStartOffset, 0);
    const altered = await sandbox.run(['topic', 'alter', 'altered', '--config', 'retention.bytes=4000']);
    assert.equal(altered.code, 0, altered.stderr);
    await waitFor(() => offsets('altered'), (o) => o.logStartOffset > 0);
  });

  test('trim by offset hides what is below it', async () => {
    await sandbox.run(['topic', 'create', 'trimmed', '--config', 'segment.bytes=2048']);
    await produceBatches('trimmed', 10, 50);
    const trimmed = await sandbox.run(['topic', 'trim', 'trimmed', '--before', '230']);
    assert.equal(trimmed.code, 0, trimmed.stderr);
    assert.equal((await offsets('trimmed')).logStartOffset, 230);
    const lines = stdoutLines(await sandbox.run(['consume', 'trimmed', '-e']));
    assert.equal(lines[0], 'v230');
    assert.equal(lines.length, 270);
  });

  test('trim by time keeps the records at or after that time', async () => {
    await sandbox.run(['topic', 'create', 'trim-time']);
    await produceBatches('trim-time', 1, 5, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cut = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await produceBatches('trim-time', 1, 5, 5);
    const trimmed = await sandbox.run(['topic', 'trim', 'trim-time', '--before', `@${cut}`]);
    assert.equal(trimmed.code, 0, trimmed.stderr);
    assert.equal((await offsets('trim-time')).logStartOffset, 5);
    assert.deepEqual(stdoutLines(await sandbox.run(['consume', 'trim-time', '-e'])), ['v5', 'v6', 'v7', 'v8', 'v9']);
  });

  test('a consumer or group asking for an offset below the log start goes on from it and says so once', async () => {
    const input = Array.from({ length: 100 }, (_, i) => `r${i}`).join('\n') + '\n';
    assert.equal((await sandbox.run(['produce', 'gone', '--quiet'], { input })).code, 0);
    const grouped = await sandbox.run(['consume', 'gone', '-g', 'late', '-c', '20']);
    assert.equal(grouped.code, 0, grouped.stderr);
    assert.equal((await sandbox.run(['topic', 'trim', 'gone', '--before', '60', '--quiet'])).code, 0);
    const notice = (from: number) => `spool: gone/0: offset ${from} is no longer in the log (retention or trim); continuing from 60\n`;
    const expected = Array.from({ length: 40 }, (_, i) => `r${60 + i}`);

    const plain = await sandbox.run(['consume', 'gone', '-o', '10', '-e']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(stdoutLines(plain), expected);
    assert.equal(plain.stderr, notice(10), 'one line, once');

    const resumed = await sandbox.run(['consume', 'gone', '-g', 'late', '-e']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(stdoutLines(resumed), expected, 'the group goes on from the log start');
    assert.equal(resumed.stderr, notice(20));
  });

  test('an invalid --before is a usage error', async () => {
    const result = await sandbox.run(['topic', 'trim', 'trimmed', '--before', 'yesterday']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^spool: invalid --before value "yesterday"/);
  });
});
