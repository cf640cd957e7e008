// Makes the V8 code caches the launchers compile the bundles from (bin/code-cache.cjs), NAME.cache
// beside each: the broker's bundle (bin/spool-broker.cjs; about 12 ms of its start), the CLI's
// entry (bin/spool.cjs; about 6 ms of `spool --help`) and the packs of the commands run below
// (broker start and stop, produce, consume).
// V8 caches what has been compiled, so each cache is written at the exit of a real run
// (SPOOL_WRITE_CODE_CACHE=1): a broker on a scratch data dir, then commands against it, the
// last one `spool --help` (which builds every command's flags), whose entry cache is the one
// kept. Without a cache a program starts all the same, so a failure here is a warning, not a
// failed build.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, SPOOL_WRITE_CODE_CACHE: '1', SPOOL_AUTOSTART: '0' };
delete env.SPOOL_HOME;
delete env.SPOOL_BROKER;

/** Runs the broker until it is ready, then `whileRunning`, then stops it. */
async function withBroker(dataDir, whileRunning) {
  const broker = spawn(process.execPath, [join(root, 'bin/spool-broker.cjs'), '--data-dir', dataDir, '--socket', join(dataDir, 'spool.sock')], {
    // As client/broker-launcher.ts runs it: the broker says it is ready on descriptor 3.
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...env, SPOOL_LAUNCHER_FD: '3' },
  });
  let stderr = '';
  broker.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => broker.once('exit', resolve));
  const timer = setTimeout(() => broker.kill('SIGKILL'), 60_000);
  let said = '';
  const ready = new Promise((resolve) => {
    broker.stdio[3].on('data', (d) => {
      said += d;
      if (said.includes('\n')) resolve(JSON.parse(said));
    });
    broker.stdio[3].on('end', () => resolve(null));
  });
  const message = await Promise.race([ready, exited.then(() => null)]);
  if (message?.kind === 'ready') {
    whileRunning();
    broker.kill('SIGTERM');
  }
  const code = await exited;
  clearTimeout(timer);
  if (message?.kind !== 'ready' || code !== 0) console.warn(`code-caches: no code cache for the broker (it exited with ${code}): ${stderr.trim()}`);
}

function runCommands(dataDir) {
  for (const [args, input] of [
    [['produce', 'code-cache', '--quiet'], 'one line\n'],
    [['consume', 'code-cache', '-e'], ''],
    [['--help'], ''],
  ]) {
    const run = spawnSync(process.execPath, [join(root, 'bin/spool.cjs'), '--data-dir', dataDir, ...args], { input, encoding: 'utf8', env, timeout: 30_000 });
    if (run.status !== 0) console.warn(`code-caches: spool ${args.join(' ')} exited with ${run.status}: ${run.stderr.trim()}`);
  }
}

/** `spool broker start` and `broker stop` on a data dir of their own. */
function startAndStop(dataDir) {
  for (const args of [['broker', 'start'], ['broker', 'stop']]) {
    const run = spawnSync(process.execPath, [join(root, 'bin/spool.cjs'), '--data-dir', dataDir, ...args], { encoding: 'utf8', env, timeout: 30_000 });
    if (run.status !== 0) console.warn(`code-caches: spool ${args.join(' ')} exited with ${run.status}: ${run.stderr.trim()}`);
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'spool-cc-'));
const startDir = mkdtempSync(join(tmpdir(), 'spool-cc-'));
try {
  // First: the broker that `broker start` spawns writes the broker's cache too; the one below,
  // stopped after produce and consume, writes it last.
  startAndStop(startDir);
  await withBroker(dataDir, () => runCommands(dataDir));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(startDir, { recursive: true, force: true });
}
