// Every command's --help ends with examples (the "finish"), checked on the real
// commander tree with the help captured through the program's injected stdout.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import type { CliIo } from '../../../src/term/io.js';
import { createProgram } from '../../../src/cli/program.js';

function helpOf(command: Command, out: PassThrough): string {
  out.read(); // drop anything earlier
  command.outputHelp();
  return String(out.read() ?? '');
}

function allCommands(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  const visible = command.commands.filter((c) => !c.name().startsWith('__'));
  return [{ path, command }, ...visible.flatMap((c) => allCommands(c, [...path, c.name()]))];
}

const stdout = new PassThrough();
const io: CliIo = { stdin: new PassThrough(), stdinFd: null, stdout, stderr: new PassThrough(), env: {} };
const program = createProgram(io);

describe('cli > help examples', () => {
  for (const { path, command } of allCommands(program)) {
    const name = ['spool', ...path].join(' ');
    test(`${name} --help shows examples`, () => {
      assert.match(helpOf(command, stdout), /\nExamples?:\n {2}\S/);
    });
  }
});
