// e2e: ink and React load only for a live view (STYLE habit 9). A module loader hook, registered
// with --import, writes every ES module URL the process loads to a file, and a preloaded script
// the CommonJS modules it required (the bundle's chunks, React); `spool --help`, `produce`,
// `consume` and a piped `tail` must never have one from ink or react.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SPOOL_BIN, spoolEnv } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.SPOOL_TEST_MODULE_LOG, url + '\\n');
  return nextLoad(url, context);
}
`;

const PRELOAD = `
process.on('exit', () => {
  const required = Object.keys(require('node:module')._cache).map((path) => 'file:' + path);
  require('node:fs').appendFileSync(process.env.SPOOL_TEST_MODULE_LOG, required.join('\\n') + '\\n');
});
`;

const REGISTER = `
import { register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url));
`;

const UI_MODULE = /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\//;

describe('e2e > lazy ui', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    await writeFile(join(sandbox.dir, 'hooks.mjs'), HOOKS);
    await writeFile(join(sandbox.dir, 'register.mjs'), REGISTER);
    await writeFile(join(sandbox.dir, 'preload.cjs'), PRELOAD);
  });

  after(async () => {
    await sandbox.cleanup();
  });

  /** Run spool with the hook; the modules it loaded. */
  async function modulesLoadedBy(name: string, args: readonly string[], input = ''): Promise<string[]> {
    const log = join(sandbox.dir, `${name}.modules`);
    await writeFile(log, '');
    const run = spawnSync(process.execPath, ['-r', join(sandbox.dir, 'preload.cjs'), '--import', join(sandbox.dir, 'register.mjs'), SPOOL_BIN, '--data-dir', sandbox.dataDir, ...args], {
      input,
      encoding: 'utf8',
      env: spoolEnv({ SPOOL_TEST_MODULE_LOG: log }),
      timeout: 60_000,
    });
    assert.equal(run.status, 0, `spool ${args.join(' ')}: ${run.stderr}`);
    const modules = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
    assert.ok(modules.some((m) => m.includes('/cli/main.js') || m.includes('/bundle/cli/spool.cjs')), 'the hook saw the CLI load');
    return modules;
  }

  for (const [name, args, input] of [
    ['help', ['--help'], ''],
    ['produce', ['produce', 'lazy', '--quiet'], 'a\nb\n'],
    ['consume', ['consume', 'lazy', '-e'], ''],
    ['tail-pipe', ['tail', 'lazy', '--no-follow'], ''],
  ] as const) {
    test(`spool ${args.join(' ')} loads neither ink nor React`, async () => {
      const ui = (await modulesLoadedBy(name, args, input)).filter((m) => UI_MODULE.test(m));
      assert.deepEqual(ui, []);
    });
  }

  test('the hook does see ink when a command renders with it (the check can fail)', async () => {
    // completion's and top's modules are light too; load the tail view module itself to prove the hook works.
    const log = join(sandbox.dir, 'view.modules');
    await writeFile(log, '');
    const view = new URL('../../src/ui/tail-view.js', import.meta.url).href;
    const run = spawnSync(process.execPath, ['--import', join(sandbox.dir, 'register.mjs'), '--input-type=module', '-e', `await import(${JSON.stringify(view)})`], {
      encoding: 'utf8',
      env: spoolEnv({ SPOOL_TEST_MODULE_LOG: log }),
    });
    assert.equal(run.status, 0, run.stderr);
    assert.ok((await readFile(log, 'utf8')).split('\n').some((m) => UI_MODULE.test(m)));
  });
});
