// e2e: `spool completion bash|zsh|fish` (SPEC §3 completion). The bash script loads without an
// error and, driven the way bash drives it, completes commands, flags and topic and group names
// from the running broker; with no broker it completes names quietly to nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SPOOL_BIN, assertExit, spoolEnv } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

/** COMPREPLY of the spool completion for a command line (the last word being completed). */
function bashComplete(script: string, dataDir: string, words: readonly string[]): { replies: string[]; stderr: string; status: number | null } {
  const program = `
    spool() { "$E2E_NODE" "$E2E_SPOOL_BIN" "$@"; }
    source "$1"
    shift
    COMP_WORDS=(spool "$@")
    COMP_CWORD=$#
    _spool_complete
    printf '%s\\n' "\${COMPREPLY[@]}"
  `;
  const run = spawnSync('bash', ['-c', program, 'bash', script, ...words], {
    encoding: 'utf8',
    env: spoolEnv({ E2E_NODE: process.execPath, E2E_SPOOL_BIN: SPOOL_BIN, SPOOL_HOME: dataDir }),
    timeout: 30_000,
  });
  return { replies: run.stdout.split('\n').filter((l) => l !== ''), stderr: run.stderr, status: run.status };
}

describe('e2e > completion', () => {
  let sandbox: SpoolSandbox;
  let bashScript: string;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    assertExit(await sandbox.run(['produce', 'orders', '--quiet'], { input: 'a\n' }), 0);
    assertExit(await sandbox.run(['produce', 'order-events', '--quiet'], { input: 'a\n' }), 0);
    assertExit(await sandbox.run(['consume', 'orders', '-g', 'billing', '-e']), 0);
    const result = await sandbox.run(['completion', 'bash']);
    assertExit(result, 0);
    bashScript = join(sandbox.dir, 'spool.bash');
    await writeFile(bashScript, result.stdout);
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('the bash script loads without errors, also under set -eu', () => {
    for (const prefix of ['', 'set -eu; ']) {
      const run = spawnSync('bash', ['-c', `${prefix}source "$1" && complete -p spool`, 'bash', bashScript], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.match(run.stdout, /complete -F _spool_complete spool/);
    }
  });

  test('commands, subcommands and flags', () => {
    assert.deepEqual(bashComplete(bashScript, sandbox.dataDir, ['ta']).replies, ['tail']);
    assert.deepEqual(bashComplete(bashScript, sandbox.dataDir, ['broker', 'st']).replies.sort(), ['start', 'status', 'stop']);
    const flags = bashComplete(bashScript, sandbox.dataDir, ['tail', 'orders', '--n']).replies;
    assert.deepEqual(flags, ['--no-follow', '--no-autostart']);
  });

  test('topic and group names come from the running broker', () => {
    assert.deepEqual(bashComplete(bashScript, sandbox.dataDir, ['tail', 'ord']).replies, ['order-events', 'orders']);
    assert.deepEqual(bashComplete(bashScript, sandbox.dataDir, ['consume', 'orders', '--group', '']).replies, ['billing']);
    assert.deepEqual(bashComplete(bashScript, sandbox.dataDir, ['group', 'describe', 'b']).replies, ['billing']);
  });

  test('with no broker running, names complete to nothing, quietly and without starting one', async () => {
    const empty = await SpoolSandbox.create();
    try {
      const started = Date.now();
      const result = bashComplete(bashScript, empty.dataDir, ['tail', '']);
      assert.equal(result.status, 0);
      assert.deepEqual(result.replies, []);
      assert.equal(result.stderr, '');
      assert.ok(Date.now() - started < 10_000);
      const status = await empty.run(['broker', 'status']);
      assert.equal(status.code, 3, 'no broker was started');
    } finally {
      await empty.cleanup();
    }
  });

  test('file names where a file goes', async () => {
    await writeFile(join(sandbox.dir, 'input-lines.txt'), 'x\n');
    const result = bashComplete(bashScript, sandbox.dataDir, ['produce', 'orders', '--file', join(sandbox.dir, 'input-')]);
    assert.deepEqual(result.replies, [join(sandbox.dir, 'input-lines.txt')]);
  });

  test('zsh and fish scripts are printed (and parse, where the shell is installed)', async () => {
    for (const [shell, check] of [
      ['zsh', ['-n']],
      ['fish', ['--no-execute']],
    ] as const) {
      const result = await sandbox.run(['completion', shell]);
      assertExit(result, 0);
      assert.match(result.stdout.toString('utf8'), /__complete --/);
      const file = join(sandbox.dir, `spool.${shell}`);
      await writeFile(file, result.stdout);
      const parse = spawnSync(shell, [...check, file], { encoding: 'utf8' });
      if (parse.error !== undefined) continue; // not installed here
      assert.equal(parse.status, 0, `${shell}: ${parse.stderr}`);
    }
  });

  test('an unknown shell is a usage error', async () => {
    const result = await sandbox.run(['completion', 'tcsh']);
    assert.equal(result.code, 2);
  });
});
