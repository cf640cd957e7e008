// e2e: bad input gets one clear `spool: ` line and the right exit code, and loses nothing
// (SPEC §3 Exit codes, §7): oversized messages and malformed --json lines name their line and how
// many messages were acknowledged before them; usage errors exit 2; never a stack trace.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit, assertNoStackTrace, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;

describe('e2e > errors and exit codes', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  async function values(topic: string): Promise<string[]> {
    const consumed = await sandbox.run(['consume', topic, '-e']);
    assertExit(consumed, 0, `consume ${topic}`);
    return stdoutLines(consumed);
  }

  test('an oversized message fails naming its line and the acknowledged count; the lines before it are stored', async () => {
    const big = 'x'.repeat(1_200_000);
    const input = ['1', '2', '3', '4', '5', big, '7', '8'].join('\n') + '\n';
    const result = await sandbox.run(['produce', 'oversize'], { input });
    const line = assertOneErrorLine(result, 1, 'produce with an oversized line');
    assert.equal(line, `spool: line 6: message is 1200000 bytes, over max.message.bytes ${DEFAULT_MAX_MESSAGE_BYTES} (5 acknowledged before it)`);
    const stored = await values('oversize');
    assert.deepEqual(stored.slice(0, 5), ['1', '2', '3', '4', '5']);
    assert.ok(!stored.includes(big), 'the oversized message is not stored');
  });

  test("a topic's own max.message.bytes is the limit named in the error", async () => {
    assertExit(await sandbox.run(['topic', 'create', 'small', '--config', 'max.message.bytes=1000']), 0);
    const result = await sandbox.run(['produce', 'small'], { input: `ok\n${'y'.repeat(2000)}\n` });
    const line = assertOneErrorLine(result, 1);
    assert.equal(line, 'spool: line 2: message is 2000 bytes, over max.message.bytes 1000 (1 acknowledged before it)');
    assert.deepEqual(await values('small'), ['ok']);
  });

  test('a malformed --json line fails naming its line and the JSON parse error; earlier lines are stored', async () => {
    const bad = '{"value": "c",';
    let parseError = '';
    try {
      JSON.parse(bad);
    } catch (err) {
      parseError = (err as Error).message;
    }
    const input = ['{"value":"a"}', '{"key":"k","value":"b"}', bad, '{"value":"d"}'].join('\n') + '\n';
    const result = await sandbox.run(['produce', 'badjson', '--json'], { input });
    const line = assertOneErrorLine(result, 1, 'produce --json with a bad line');
    assert.match(line, /^spool: line 3: /);
    assert.ok(line.includes(parseError), `names the parse error "${parseError}": ${line}`);
    assert.ok(line.endsWith('(2 acknowledged before it)'), line);
    assert.deepEqual((await values('badjson')).slice(0, 2), ['a', 'b']);
  });

  test('a -K line without the separator fails naming its line', async () => {
    const result = await sandbox.run(['produce', 'nosep', '-K', '='], { input: 'a=1\nb=2\nno separator here\nd=4\n' });
    const line = assertOneErrorLine(result, 1);
    assert.match(line, /^spool: line 3: .*separator/);
    assert.ok(line.endsWith('(2 acknowledged before it)'), line);
    assert.deepEqual((await values('nosep')).slice(0, 2), ['1', '2']);
  });

  test('invalid topic names are refused with exit 2 by every command, before anything is sent', async () => {
    const names = ['a/b', '..', '.', 'x'.repeat(250), '', 'spaced name', 'ünï'];
    const attempts = [
      ...names.map((name) => ['topic', 'create', name]),
      ...['a/b', '..', ''].flatMap((name) => [['produce', name], ['consume', name, '-e'], ['topic', 'describe', name]]),
    ];
    for (const args of attempts) {
      const result = await sandbox.run(args, { input: 'never sent\n' });
      assertOneErrorLine(result, 2, args.map((a) => JSON.stringify(a.slice(0, 20))).join(' '));
    }
    const longest = 'x'.repeat(249);
    assertExit(await sandbox.run(['topic', 'create', longest]), 0, 'a 249-character name is valid');
    const list = await sandbox.run(['topic', 'list', '--json']);
    const listed = (JSON.parse(list.stdout.toString('utf8')) as Array<{ name: string }>).map((t) => t.name);
    assert.ok(listed.includes(longest));
    for (const name of names) assert.ok(!listed.includes(name), `"${name.slice(0, 20)}" was created`);
  });

  test('an unknown flag, an unknown command and a missing argument exit 2 with one spool: line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['consume', 'x', '--bogus'], /--bogus/],
      [['produce', 'x', '--no-such-flag'], /--no-such-flag/],
      [['frobnicate'], /frobnicate/],
      [['produce'], /topic/],
      [['topic', 'create'], /name/],
      [['consume'], /topic/],
      [['topic', 'create', 'n', '-p', 'three'], /three/],
      [['topic', 'create', 'n', '-p', '0'], /partitions/],
      [['topic', 'create', 'n', '--config', 'no.such.config=1'], /no\.such\.config/],
      [['consume', 'x', '-c', 'many'], /many/],
      [['broker', 'start', '--fsync', 'sometimes'], /sometimes/],
    ];
    for (const [args, mention] of cases) {
      const result = await sandbox.run(args);
      const line = assertOneErrorLine(result, 2, args.join(' '));
      assert.match(line, mention, `${args.join(' ')}: ${line}`);
      assert.equal(result.stdout.length, 0, `${args.join(' ')} writes nothing to stdout`);
    }
  });

  test('a misspelt flag or command is still one spool: line (exit 2), with the suggestion on it', async () => {
    for (const [args, suggestion] of [[['consume', 'x', '--form', '3'], '--from'], [['consme', 'x'], 'consume'], [['topic', 'craete', 'x'], 'create']] as const) {
      const line = assertOneErrorLine(await sandbox.run(args), 2, args.join(' '));
      assert.ok(line.includes(suggestion), `${args.join(' ')}: ${line}`);
    }
  });

  test('a missing topic is a runtime error (exit 1) and no command prints a stack trace', async () => {
    const missing = await sandbox.run(['topic', 'describe', 'does-not-exist']);
    assertOneErrorLine(missing, 1);
    const deleted = await sandbox.run(['topic', 'delete', 'does-not-exist']);
    assertOneErrorLine(deleted, 1);
    for (const args of [['--help'], ['consume', '--help'], ['--version']]) {
      const result = await sandbox.run(args);
      assertExit(result, 0, args.join(' '));
      assert.equal(result.stderr, '');
      assert.ok(result.stdout.length > 0);
    }
    const debugOff = await sandbox.run(['consume', 'x', '--from', 'nowhere']);
    assertNoStackTrace(debugOff.stderr);
  });
});
