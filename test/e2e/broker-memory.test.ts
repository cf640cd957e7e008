// e2e: the broker's memory. @node-rs/crc32's allocator (mimalloc) would reserve its arena with
// MADV_HUGEPAGE and make a whole 2 MiB page resident for a few bytes; spool's processes turn that
// off (MIMALLOC_ALLOW_THP=0, records/crc32c.ts), and spool's own addon, used where it was built,
// allocates nothing. After a produce large enough to load a CRC addon in the broker, no region of
// the broker's process is advised for huge pages or backed by one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const CRC_ADDON = /(\/build\/Release\/spool_native\.node|\/node_modules\/@node-rs\/crc32[^/]*\/.*\.node)$/m;

describe('e2e > broker memory', { skip: !existsSync('/proc/self/smaps') && 'needs /proc/PID/smaps (Linux)' }, () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create();
    await sandbox.startBroker();
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('the CRC addon loaded in the broker takes no transparent huge page', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(200)}`).join('\n') + '\n';
    const produced = await sandbox.run(['produce', 'mem', '--quiet'], { input: lines });
    assert.equal(produced.code, 0, produced.stderr);
    const smaps = readFileSync(`/proc/${sandbox.broker!.pid}/smaps`, 'utf8');
    assert.match(smaps, CRC_ADDON, 'the broker checked the batch with the CRC addon');
    const advised = smaps.split('\n').filter((line) => line.startsWith('VmFlags:') && / hg( |$)/.test(line));
    assert.deepEqual(advised, [], 'a region advised with MADV_HUGEPAGE');
    const huge = smaps.split('\n').filter((line) => /^AnonHugePages:\s+[1-9]/.test(line));
    assert.deepEqual(huge, [], 'a region backed by a transparent huge page');
  });
});
