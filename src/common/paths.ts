// Where things live (SPEC §2): the data directory and the broker's socket.
//   data dir: --data-dir > $SPOOL_HOME > $XDG_DATA_HOME/spool > ~/.local/share/spool
//   socket:   --socket > $SPOOL_SOCKET > <data dir>/spool.sock
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** sun_path holds 108 bytes on Linux, one of them the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;
export const SOCKET_FILE = 'spool.sock';

export interface Locations {
  dataDir: string;
  socketPath: string;
}

export function resolveLocations(
  flags: { dataDir?: string | undefined; socket?: string | undefined },
  env: NodeJS.ProcessEnv,
): Locations {
  const dataDir = resolve(
    flags.dataDir ??
      nonEmpty(env.SPOOL_HOME) ??
      (nonEmpty(env.XDG_DATA_HOME) !== undefined ? join(env.XDG_DATA_HOME!, 'spool') : join(homedir(), '.local', 'share', 'spool')),
  );
  const socketPath = resolve(flags.socket ?? nonEmpty(env.SPOOL_SOCKET) ?? join(dataDir, SOCKET_FILE));
  return { dataDir, socketPath };
}

/** A socket path the OS cannot bind or connect to is a usage error, said before trying. */
export function checkSocketPath(socketPath: string): void {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new UsageError(
      `socket path is ${bytes} bytes, over the ${MAX_SOCKET_PATH_BYTES}-byte limit for Unix sockets: ${socketPath}; pass a shorter --socket (or SPOOL_SOCKET)`,
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
