// The man pages stay in step with --help: every command group has its page in man/, and every
// long flag a command takes (as commander knows it) is described in that page.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import { createProgram } from '../../../src/cli/program.js';
import type { CliIo } from '../../../src/term/io.js';
import { PROJECT_ROOT } from '../../helpers/spool-cli.js';

const io: CliIo = { stdin: new PassThrough(), stdinFd: null, stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
const program = createProgram(io);
const visible = (command: Command) => command.commands.filter((c) => !c.name().startsWith('__'));

function manPage(name: string): string {
  const path = join(PROJECT_ROOT, 'man', `spool-${name}.1`);
  assert.ok(existsSync(path), `man/spool-${name}.1 is missing`);
  return readFileSync(path, 'utf8');
}

/** Long flags of `command` and its subcommands, without the global ones. */
function longFlags(command: Command): string[] {
  const own = command.options.map((o) => o.long).filter((f): f is string => f !== undefined && f !== '--help');
  return [...own, ...visible(command).flatMap(longFlags)];
}

describe('cli > man pages', () => {
  for (const group of visible(program)) {
    test(`spool-${group.name()}.1 describes every flag of spool ${group.name()}`, () => {
      const page = manPage(group.name());
      const missing = [...new Set(longFlags(group))].filter((flag) => !page.includes(flag.replaceAll('-', '\\-')));
      assert.deepEqual(missing, [], `flags of spool ${group.name()} not in its man page`);
    });
  }

  test('spool.1 describes the global options and names every command', () => {
    const page = readFileSync(join(PROJECT_ROOT, 'man', 'spool.1'), 'utf8');
    for (const flag of ['--data-dir', '--socket', '--broker', '--property', '--no-autostart', '--quiet', '--version']) {
      assert.ok(page.includes(flag.replaceAll('-', '\\-')), flag);
    }
    for (const group of visible(program)) assert.ok(page.includes(`spool\\-${group.name()}`), `spool.1 refers to spool-${group.name()}`);
  });
});
