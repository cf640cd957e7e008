// `mkdir -p` with a mode. Node 20's mkdirSync({ recursive: true }) never returns for a path whose
// parent exists but refuses new entries with ENOENT (anything under /proc), so an unwritable
// data dir there would hang instead of failing: this creates one level at a time. It returns
// the directories it created, outermost first, for a caller that must fsync their parents.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export function ensureDir(path: string, mode = 0o700): string[] {
  try {
    mkdirSync(path, { mode });
    return [path];
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!statSync(path).isDirectory()) throw err;
      return [];
    }
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw err;
    const created = ensureDir(parent, mode);
    mkdirSync(path, { mode });
    return [...created, path];
  }
}
