// e2e: a group member whose reader goes away (`spool consume T -g G | head -3`, SPEC §3 consume):
// it ends quietly with exit 0 and commits what the pipe took, no more, so the next member of the
// group starts with the first record not written. Records here are bigger than a pipe's buffer
// (64 KiB) and head's read buffer together: the record after the last one head printed can never
// have been taken whole by the pipe, so what was written is exactly what head printed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeGroup } from '../helpers/group-helpers.js';
import { assertExit, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

// Over 64 KiB + 8 KiB, and small enough that a batch (about 1 MiB) holds several records, so the
// pipe closes in the middle of what one fetch brought.
const VALUE_BYTES = 120_000;

/** One line per record: `NAME:` and a long tail, so `cut -d: -f1` prints the name. */
function bigLines(names: readonly string[]): string {
  const tail = 'x'.repeat(VALUE_BYTES);
  return names.map((name) => `${name}:${tail}\n`).join('');
}

/** Committed offsets by partition, only those with a commit. */
async function commits(sandbox: SpoolSandbox, group: string): Promise<Map<number, number>> {
  const description = await describeGroup(sandbox, group);
  const committed = new Map<number, number>();
  for (const row of description.partitions) if (row.committedOffset !== null) committed.set(row.partition, row.committedOffset);
  return committed;
}

describe('e2e > consumer groups > a closed pipe', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('consume -g G | head -3 exits 0 quietly and commits offset 3; the next member starts at record 4', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `r${i + 1}`);
    assertExit(await sandbox.run(['produce', 'big', '--quiet'], { input: bigLines(names) }), 0);
    const script = 'spool consume big -g readers | head -3 | cut -d: -f1\nexit "${PIPESTATUS[0]}"';
    const result = await sandbox.shell(script);
    assertExit(result, 0, 'spool consume -g readers | head -3');
    assert.equal(result.stderr, '', 'nothing on stderr when the reader closes the pipe');
    assert.deepEqual(stdoutLines(result), ['r1', 'r2', 'r3']);

    assert.deepEqual(await commits(sandbox, 'readers'), new Map([[0, 3]]));
    const next = await sandbox.run(['consume', 'big', '-g', 'readers', '-e', '-f', '%o\\n']);
    assertExit(next, 0, 'the next member');
    assert.deepEqual(stdoutLines(next), ['3', '4', '5', '6', '7']);
  });

  test('over several partitions each commit covers exactly the records written of that partition', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'spread', '-p', '3']), 0);
    for (const partition of [0, 1, 2]) {
      const names = [0, 1, 2, 3].map((offset) => `${partition} ${offset}`);
      assertExit(await sandbox.run(['produce', 'spread', '-p', String(partition), '--quiet'], { input: bigLines(names) }), 0);
    }
    const script = 'spool consume spread -g sharers -f "%p %o:%s\\n" | head -5 | cut -d: -f1\nexit "${PIPESTATUS[0]}"';
    const result = await sandbox.shell(script);
    assertExit(result, 0, 'spool consume -g sharers | head -5');
    assert.equal(result.stderr, '');
    const printed = stdoutLines(result);
    assert.equal(printed.length, 5);

    const expected = new Map<number, number>();
    for (const line of printed) {
      const [partition, offset] = line.split(' ').map(Number) as [number, number];
      expected.set(partition, Math.max(expected.get(partition) ?? 0, offset + 1));
    }
    assert.deepEqual(await commits(sandbox, 'sharers'), expected);

    const next = await sandbox.run(['consume', 'spread', '-g', 'sharers', '-e', '-f', '%p %o\\n']);
    assertExit(next, 0, 'the next member');
    const all = [0, 1, 2].flatMap((p) => [0, 1, 2, 3].map((o) => `${p} ${o}`));
    assert.deepEqual(
      stdoutLines(next).sort(),
      all.filter((record) => !printed.includes(record)).sort(),
      'the next member reads every record not written, and none written',
    );
  });
});
