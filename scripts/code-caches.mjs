// Makes the V8 code caches the launchers compile the bundles from (bin/code-cache.cjs), NAME.cache
// beside each: the broker's bundle (bin/spool-broker.cjs; about 12 ms of its start), the CLI's
// entry (bin/spool.cjs; about 6 ms of `spool --help`) and the packs of the commands run below
// (broker start and stop, produce, consume, tail: about 10 ms of a `tail` into a pipe).
// V8 caches what has been compiled, so each cache is written at the exit of a real run
// (SPOOL_WRITE_CODE_CACHE=1, which the broker `broker start` spawns inherits): the commands below
// on a scratch data dir; the broker's is written as `broker stop` waits for it to exit, and the
// last run, `spool --help` (which builds every command's flags), writes the entry's that is kept. Without a cache a program starts all the same, so a failure here is a warning, not a
// failed build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, SPOOL_WRITE_CODE_CACHE: '1', SPOOL_AUTOSTART: '0' };
delete env.SPOOL_HOME;
delete env.SPOOL_BROKER;

const dataDir = mkdtempSync(join(tmpdir(), 'spool-cc-'));
try {
  for (const [args, input] of [
    [['broker', 'start'], ''],
    [['produce', 'code-cache', '--quiet'], 'one line\n'],
    [['consume', 'code-cache', '-e'], ''],
    [['tail', 'code-cache', '-n', '1', '--no-follow'], ''],
    [['broker', 'stop'], ''],
    [['--help'], ''],
  ]) {
    const run = spawnSync(process.execPath, [join(root, 'bin/spool.cjs'), '--data-dir', dataDir, ...args], { input, encoding: 'utf8', env, timeout: 30_000 });
    if (run.status !== 0) console.warn(`code-caches: spool ${args.join(' ')} exited with ${run.status}: ${run.stderr.trim()}`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
