// Makes dist/bundle/broker/broker-daemon.cjs.cache, the V8 code cache bin/spool-broker.cjs starts
// the broker's process from (about 12 ms of its ~165 ms from spawn to accepting connections,
// measured). V8 caches what has been compiled, so the cache is taken from a real start: a broker
// on a scratch data dir, stopped once it is ready, writes it at exit. Without a cache the broker
// starts all the same, so a failure here is a warning, not a failed build.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'dist/bundle/broker/broker-daemon.cjs.cache');
const dataDir = mkdtempSync(join(tmpdir(), 'spool-cc-'));
rmSync(cache, { force: true });
try {
  const broker = spawn(process.execPath, [join(root, 'bin/spool-broker.cjs'), '--data-dir', dataDir, '--socket', join(dataDir, 's.sock')], {
    // As client/broker-launcher.ts runs it: the broker says it is ready on descriptor 3.
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, SPOOL_WRITE_CODE_CACHE: cache, SPOOL_LAUNCHER_FD: '3' },
  });
  let stderr = '';
  broker.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => broker.once('exit', resolve));
  const timer = setTimeout(() => broker.kill('SIGKILL'), 30_000);
  let said = '';
  const ready = new Promise((resolve) => {
    broker.stdio[3].on('data', (d) => {
      said += d;
      if (said.includes('\n')) resolve(JSON.parse(said));
    });
    broker.stdio[3].on('end', () => resolve(null));
  });
  const message = await Promise.race([ready, exited.then(() => null)]);
  if (message?.kind === 'ready') broker.kill('SIGTERM');
  const code = await exited;
  clearTimeout(timer);
  if (message?.kind !== 'ready' || code !== 0) console.warn(`broker-code-cache: no code cache (the broker exited with ${code}): ${stderr.trim()}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
