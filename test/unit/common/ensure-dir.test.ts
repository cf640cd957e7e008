import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDir } from '../../../src/common/ensure-dir.js';

describe('common > ensureDir', () => {
  test('creates every missing level with the mode and accepts an existing directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-dir-'));
    try {
      const deep = join(root, 'a', 'b', 'c');
      assert.deepEqual(ensureDir(deep), [join(root, 'a'), join(root, 'a', 'b'), deep], 'the levels it created, outermost first');
      assert.ok(statSync(deep).isDirectory());
      assert.equal(statSync(join(root, 'a')).mode & 0o777, 0o700);
      assert.deepEqual(ensureDir(deep), [], 'nothing created the second time');
      assert.deepEqual(ensureDir(join(deep, 'd')), [join(deep, 'd')]);
      writeFileSync(join(root, 'file'), 'x');
      assert.throws(() => ensureDir(join(root, 'file')), /EEXIST/);
      assert.throws(() => ensureDir(join(root, 'file', 'below')), /ENOTDIR/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('fails at once where the parent exists but refuses new entries (/proc)', () => {
    assert.throws(() => ensureDir('/proc/spool-test/data'), /ENOENT/);
  });
});
