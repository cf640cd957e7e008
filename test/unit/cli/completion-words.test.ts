// Shell completion decided from the real commander tree: what may follow the words typed.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { analyseWords, matching, type Completion } from '../../../src/cli/completion/complete-words.js';
import type { CliIo } from '../../../src/term/io.js';
import { createProgram } from '../../../src/cli/program.js';

const io: CliIo = { stdin: new PassThrough(), stdinFd: null, stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
const program = createProgram(io);

function complete(...words: string[]): Completion {
  return analyseWords(program, words).completion;
}

function words(completion: Completion, current = ''): string[] {
  assert.equal(completion.kind, 'words');
  return completion.kind === 'words' ? matching(completion.suggestions, current).map((s) => s.word) : [];
}

describe('cli > completion > words', () => {
  test('the first word is a command, never a hidden one', () => {
    const commands = words(complete(''));
    for (const name of ['produce', 'consume', 'tail', 'topic', 'group', 'top', 'broker', 'completion']) assert.ok(commands.includes(name), name);
    assert.ok(!commands.some((c) => c.startsWith('__')));
    assert.deepEqual(words(complete('to'), 'to').sort(), ['top', 'topic']);
  });

  test('subcommands of a command group', () => {
    assert.deepEqual(words(complete('broker', '')).sort(), ['start', 'status', 'stop', 'user']);
  });

  test('flags of the command and the global ones', () => {
    const flags = words(complete('tail', 'logs', '--'), '--');
    for (const flag of ['--lines', '--no-follow', '--format', '--grep', '--data-dir', '--socket', '--help']) assert.ok(flags.includes(flag), flag);
    assert.ok(!flags.includes('-n'), 'short flags only after a single dash');
    assert.ok(words(complete('tail', '-'), '-').includes('-n'));
  });

  test('topic names where a topic goes, group names where a group goes', () => {
    assert.equal(complete('tail', '').kind, 'topics');
    assert.equal(complete('tail', 'a', 'b', '').kind, 'topics');
    assert.equal(complete('produce', '').kind, 'topics');
    assert.equal(complete('topic', 'describe', '').kind, 'topics');
    assert.equal(complete('consume', 'logs', '-g', '').kind, 'groups');
    assert.equal(complete('group', 'describe', '').kind, 'groups');
    assert.equal(complete('group', 'reset', 'g', '--topic', '').kind, 'topics');
  });

  test('an option value is completed, not taken for a command or argument', () => {
    assert.deepEqual(words(complete('broker', 'start', '--fsync', '')).sort(), ['always', 'interval', 'never']);
    assert.equal(complete('produce', 'logs', '--file', '').kind, 'files');
    assert.equal(complete('--data-dir', '').kind, 'files');
    assert.equal(complete('tail', '-n', '').kind, 'none');
    // After an option and its value, the next word is a command again.
    assert.ok(words(complete('--data-dir', '/tmp/x', '')).includes('tail'));
  });

  test('shells for completion itself', () => {
    assert.deepEqual(words(complete('completion', '')), ['bash', 'zsh', 'fish']);
  });

  test('--data-dir and --socket typed on the line are kept to ask the right broker', () => {
    const analysis = analyseWords(program, ['--data-dir', '/tmp/d', 'tail', '--socket=/tmp/s.sock', '']);
    assert.equal(analysis.dataDir, '/tmp/d');
    assert.equal(analysis.socket, '/tmp/s.sock');
    assert.equal(analysis.completion.kind, 'topics');
  });
});
