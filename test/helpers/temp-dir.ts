// Temporary directories for e2e tests. They live directly under os.tmpdir() with a short prefix so
// that `<dir>/spool.sock` stays far below the ~107-byte limit of Unix socket paths.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function makeTempDir(prefix = 'sp-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
