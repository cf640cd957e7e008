import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { acquireLock, liveLockOwner } from '../../../src/broker/lock-file.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

describe('broker > lock file', () => {
  let dir: string;
  const lock = () => join(dir, 'broker.lock');
  const owner = () => join(dir, 'broker.json');

  before(async () => {
    dir = await makeTempDir();
  });

  after(async () => {
    await removeTempDir(dir);
  });

  test('the lock holds the pid alone; broker.json beside it names the socket; release removes both', () => {
    const taken = acquireLock(dir, '/tmp/x/spool.sock');
    assert.equal(taken.acquired, true);
    assert.equal(readFileSync(lock(), 'utf8'), `${process.pid}\n`);
    assert.deepEqual(JSON.parse(readFileSync(owner(), 'utf8')), { pid: process.pid, socket: '/tmp/x/spool.sock' });
    assert.deepEqual(liveLockOwner(dir), { pid: process.pid, socket: '/tmp/x/spool.sock' });
    if (taken.acquired) taken.release();
    assert.equal(existsSync(lock()), false);
    assert.equal(existsSync(owner()), false);
    assert.equal(liveLockOwner(dir), null);
  });

  test('a lock written by an older spool (no broker.json) still names its pid, socket unknown', () => {
    writeFileSync(lock(), `${process.pid}\n`);
    assert.deepEqual(liveLockOwner(dir), { pid: process.pid, socket: null });
  });

  test('a broker.json of another pid (left by a killed broker) is not trusted', () => {
    writeFileSync(lock(), `${process.pid}\n`);
    writeFileSync(owner(), JSON.stringify({ pid: process.pid + 1, socket: '/tmp/old.sock' }));
    assert.deepEqual(liveLockOwner(dir), { pid: process.pid, socket: null });
  });

  test('a lock whose pid no longer runs has no owner', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock(), `${gone.stdout}\n`);
    assert.equal(liveLockOwner(dir), null);
  });
});
