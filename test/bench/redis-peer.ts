// Redis Streams as the peer of `npm run bench -- --peers`: Debian's redis-server on a Unix socket
// in a temp dir (no TCP port), persisting as spool's default does: an append-only file fsynced
// once a second, no snapshots. Started and stopped by pid.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './bench-kit.js';

export const REDIS_SERVER = '/usr/bin/redis-server';
/** The compiled client (redis-client.ts), run as its own process. */
export const REDIS_CLIENT = join(projectRoot(), 'dist', 'test', 'bench', 'redis-client.js');

export interface RedisPeer {
  pid: number;
  socket: string;
  version: string;
  stop(): Promise<void>;
}

/** null when redis-server is not installed. */
export function redisVersion(): string | null {
  if (!existsSync(REDIS_SERVER)) return null;
  const out = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  return /v=(\S+)/.exec(out.stdout)?.[1] ?? null;
}

export async function startRedis(): Promise<RedisPeer> {
  const version = redisVersion();
  if (version === null) throw new Error(`${REDIS_SERVER} is not installed`);
  const dir = mkdtempSync(join(tmpdir(), 'spredis-'));
  const socket = join(dir, 'redis.sock');
  const child = spawn(
    REDIS_SERVER,
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    socket,
    version,
    async stop() {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
