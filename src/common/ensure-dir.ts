// `mkdir -p` with a mode. Node 20's mkdirSync({ recursive: true }) never returns for a path whose
// parent exists but refuses new entries with ENOENT (anything under /proc), so an unwritable
// data dir there would hang instead of failing: this creates one level at a time.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export function ensureDir(path: string, mode = 0o700): void {
  try {
    mkdirSync(path, { mode });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!statSync(path).isDirectory()) throw err;
      return;
    }
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw err;
    ensureDir(parent, mode);
    mkdirSync(path, { mode });
  }
}
