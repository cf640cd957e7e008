// e2e: lines in, the same bytes out (SPEC §3 produce and consume), through the real CLI and a
// real broker shared by this file.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertExit, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const LINE_COUNT = 100_000;

/** 100,000 lines: mostly `seq`, with the awkward ones spread through, the last without newline. */
function awkwardInput(): Buffer {
  const special = [
    'words with  two  spaces and a trailing space ',
    'carriage return at the end\r',
    '\rcarriage return first',
    '',
    'UTF-8: grüße, 日本語, emoji 🎉, combining é',
    '\ttab\tseparated\t',
    '  ',
    '',
    'a "quoted" \\backslash\\ line',
  ];
  const lines: string[] = [];
  for (let i = 1; i <= LINE_COUNT; i++) {
    lines.push(i % 997 === 0 ? special[(i / 997) % special.length]! : String(i));
  }
  lines[LINE_COUNT - 1] = 'the last line has no newline';
  return Buffer.from(lines.join('\n'), 'utf8');
}

function firstDifference(a: Buffer, b: Buffer): string {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  const show = (buf: Buffer) => JSON.stringify(buf.subarray(Math.max(0, i - 20), i + 20).toString('utf8'));
  return `lengths ${a.length} vs ${b.length}, first difference at byte ${i}: ${show(a)} vs ${show(b)}`;
}

describe('e2e > produce and consume', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('100,000 lines come back byte for byte, with spaces, \\r, empty lines, UTF-8 and no final newline', async () => {
    const input = awkwardInput();
    const produced = await sandbox.run(['produce', 'lines'], { input });
    assertExit(produced, 0, 'produce');
    assert.equal(produced.stdout.length, 0, 'produce writes nothing to stdout without --print-offsets');

    const consumed = await sandbox.run(['consume', 'lines', '-e']);
    assertExit(consumed, 0, 'consume -e');
    const expected = Buffer.concat([input, Buffer.from('\n')]);
    assert.ok(consumed.stdout.equals(expected), firstDifference(consumed.stdout, expected));

    const described = await sandbox.run(['topic', 'describe', 'lines', '--json']);
    assertExit(described, 0, 'topic describe');
    const description = JSON.parse(described.stdout.toString('utf8')) as { partitions: Array<{ logEndOffset: number }> };
    assert.equal(description.partitions.reduce((n, p) => n + p.logEndOffset, 0), LINE_COUNT);
  });

  test('produce ends with a summary on stderr naming the count and the topic, and --quiet drops it', async () => {
    const loud = await sandbox.run(['produce', 'summary'], { input: 'a\nb\nc\n' });
    assertExit(loud, 0);
    assert.match(loud.stderr, /\b3\b.*\bsummary\b/);
    assert.match(loud.stderr, /fsynced|fsync within/);
    const quiet = await sandbox.run(['produce', 'summary', '--quiet'], { input: 'd\n' });
    assertExit(quiet, 0);
    assert.equal(quiet.stderr, '');
  });

  test('--file reads the messages from a file instead of stdin', async () => {
    const file = join(sandbox.dir, 'messages.txt');
    await writeFile(file, 'from\na\nfile\n');
    assertExit(await sandbox.run(['produce', 'from-file', '--file', file, '--quiet']), 0);
    const consumed = await sandbox.run(['consume', 'from-file', '-e']);
    assert.equal(consumed.stdout.toString('utf8'), 'from\na\nfile\n');
  });

  test('--delimiter \\0 splits at NUL bytes and keeps newlines inside messages', async () => {
    const input = Buffer.from('one\nline two\0three\0\0four', 'utf8');
    assertExit(await sandbox.run(['produce', 'nul', '--delimiter', '\\0', '--quiet'], { input }), 0);
    const consumed = await sandbox.run(['consume', 'nul', '-e', '-f', '[%s]']);
    assertExit(consumed, 0);
    assert.equal(consumed.stdout.toString('utf8'), '[one\nline two][three][][four]');
  });

  test('--print-offsets writes PARTITION OFFSET for every message in input order', async () => {
    const printed = await sandbox.run(['produce', 'offsets-printed', '--print-offsets', '--quiet'], { input: 'a\nb\nc\n' });
    assertExit(printed, 0);
    assert.deepEqual(stdoutLines(printed), ['0 0', '0 1', '0 2']);
    const again = await sandbox.run(['produce', 'offsets-printed', '--print-offsets', '--quiet'], { input: 'd\n' });
    assert.deepEqual(stdoutLines(again), ['0 3']);
  });

  test('Ctrl-C (SIGINT) ends a following consume cleanly with exit 0', async () => {
    assertExit(await sandbox.run(['produce', 'interrupted', '--quiet'], { input: 'a\nb\nc\n' }), 0);
    const consumer = sandbox.spawn(['consume', 'interrupted']);
    await consumer.waitFor((p) => p.stdout.toString('utf8') === 'a\nb\nc\n', 'the three records');
    consumer.kill('SIGINT');
    const result = await consumer.finish();
    assert.equal(result.stdout.toString('utf8'), 'a\nb\nc\n');
    assert.equal(result.stderr, '');
    assertExit(result, 0, 'consume after SIGINT');
  });

  test('consume | head -3 ends the follow-mode consumer quietly with exit 0', async () => {
    const script = 'set -o pipefail\nspool consume lines | head -3\nexit "${PIPESTATUS[0]}"';
    const result = await sandbox.shell(script);
    assert.equal(result.stdout.toString('utf8'), '1\n2\n3\n');
    assert.equal(result.stderr, '', 'nothing on stderr when the reader closes the pipe');
    assertExit(result, 0, 'spool consume | head -3');
  });
});
