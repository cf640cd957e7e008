// e2e: members of one group started together with -e each stop when their partitions are drained;
// one that stops while another's join moves the group's epoch still commits what it wrote (its
// last commit is retried under the new epoch), so the members after it repeat nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const RECORDS = 600;
const ROUNDS = 4;

describe('e2e > group members with -e', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    assertExit(await sandbox.run(['topic', 'create', 'samples', '-p', '4']), 0);
    const lines = Array.from({ length: RECORDS }, (_, i) => `host-${i % 6}:sample ${i}`).join('\n') + '\n';
    assertExit(await sandbox.run(['produce', 'samples', '-K:', '-q'], { input: lines }), 0);
  });

  after(async () => {
    await sandbox?.cleanup();
  });

  test('three members started at once read every record exactly once between them', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const members = [0, 1, 2].map(() => sandbox.spawn(['consume', 'samples', '-g', `rollup-${round}`, '-e']));
      const results = await Promise.all(members.map((m) => m.finish()));
      const read = results.flatMap((r) => {
        assertExit(r, 0, 'consume -g -e');
        return stdoutLines(r);
      });
      assert.equal(read.length, RECORDS, `round ${round}: ${results.map((r) => stdoutLines(r).length).join(' + ')} records`);
      assert.equal(new Set(read).size, RECORDS, `round ${round}: no record twice`);
    }
  });
});
