// Programs on the library, run as a program that installed spool would run them: a script in a
// directory whose node_modules/spool is this checkout, so that `import … from 'spool'` goes
// through package.json's exports (the published entry and its types), not a relative path.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT, SpoolProcess, type EnvOverrides, type SpoolResult } from './spool-cli.js';

/** Make `dir` a project that depends on spool (node_modules/spool → this checkout). */
export async function linkSpoolPackage(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await symlink(PROJECT_ROOT, join(dir, 'node_modules', 'spool'), 'dir');
}

/** Write `source` as `<dir>/<name>` (an .mjs file: ESM) in a project that depends on spool. */
export async function writeLibraryScript(dir: string, name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return path;
}

/** Start `node SCRIPT ARGS`; killed by pid by the sandbox's cleanup if still running. */
export function spawnLibraryScript(script: string, args: readonly string[] = [], env: EnvOverrides = {}): SpoolProcess {
  return new SpoolProcess(process.execPath, [script, ...args], { env, stdin: 'ignore' });
}

export async function runLibraryScript(script: string, args: readonly string[] = [], env: EnvOverrides = {}, timeoutMs = 60_000): Promise<SpoolResult> {
  return spawnLibraryScript(script, args, env).finish(timeoutMs);
}
