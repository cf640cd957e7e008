// e2e: `spool group list|describe|reset|delete` (SPEC §3 group, §4 JSON outputs) against one
// broker shared by this file: the JSON shapes, lag, the plan/execute split of reset with every
// target, refusals while a group has members, `describe --watch` in a pipe (plain tables) and
// on a pseudo-terminal (ink), and that commands other than the live view never load ink.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  caughtUp,
  describeGroup,
  listGroups,
  startMember,
  stopMember,
  waitForGroup,
  type GroupDescription,
} from '../helpers/group-helpers.js';
import { SPOOL_BIN, SpoolProcess, assertExit, assertOneErrorLine, stdoutLines, type SpoolResult } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const DESCRIBE_KEYS = ['group', 'state', 'generation', 'members', 'partitions'];
const MEMBER_KEYS = ['memberId', 'clientId', 'pid', 'host', 'assignment'];
const PARTITION_KEYS = ['topic', 'partition', 'committedOffset', 'logEndOffset', 'lag', 'memberId', 'clientId', 'pid'];
const DRY_RUN = 'dry run: nothing changed (add --execute to apply)';
const HOUR_MS = 3_600_000;

function text(result: SpoolResult): string {
  return result.stdout.toString('utf8');
}

/** [partition, committed offset] of each partition. */
function committed(d: GroupDescription): Array<[number, number | null]> {
  return d.partitions.map((p) => [p.partition, p.committedOffset]);
}

/** The NEW column of a reset plan, per partition. */
function planned(result: SpoolResult): Array<[number, string, number]> {
  return stdoutLines(result)
    .filter((line) => /^\S+\s+\d+\s+(-|\d+)\s+\d+$/.test(line))
    .map((line) => {
      const [, partition, old, next] = line.split(/\s+/);
      return [Number(partition), old!, Number(next)];
    });
}

describe('e2e > consumer groups > admin', () => {
  let sandbox: SpoolSandbox;
  const members: SpoolProcess[] = [];

  function member(topic: string, group: string): SpoolProcess {
    const started = startMember(sandbox, topic, group, ['--commit-interval-ms', '200']);
    members.push(started);
    return started;
  }

  async function produce(topic: string, partition: number, count: number, prefix = 'v'): Promise<void> {
    const input = Array.from({ length: count }, (_, i) => `${prefix}${i}\n`).join('');
    assertExit(await sandbox.run(['produce', topic, '-p', String(partition), '--quiet'], { input }), 0, `produce to ${topic}/${partition}`);
  }

  async function ok(args: readonly string[]): Promise<SpoolResult> {
    const result = await sandbox.run(args);
    assertExit(result, 0, args.join(' '));
    return result;
  }

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    for (const m of members) m.kill('SIGKILL');
    await sandbox.cleanup();
  });

  test('a group that does not exist: describe, reset and delete exit 1 with one line', async () => {
    const line = 'spool: group "ghost" does not exist';
    assert.equal(assertOneErrorLine(await sandbox.run(['group', 'describe', 'ghost']), 1), line);
    assert.equal(assertOneErrorLine(await sandbox.run(['group', 'describe', 'ghost', '--json']), 1), line);
    assertOneErrorLine(await sandbox.run(['group', 'delete', 'ghost']), 1);
    assertExit(await sandbox.run(['topic', 'create', 'haunted']), 0);
    assertOneErrorLine(await sandbox.run(['group', 'reset', 'ghost', '--topic', 'haunted', '--to-earliest']), 1);
  });

  test('list and describe show lag per partition and in total, the owner, and lag 0 once the member caught up', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'lagt', '-p', '2']), 0);
    await produce('lagt', 0, 30);
    await produce('lagt', 1, 20);
    assertExit(await sandbox.run(['consume', 'lagt', '-g', 'laggers', '-e']), 0, 'consume -g -e');
    await produce('lagt', 0, 7, 'w');
    await produce('lagt', 1, 5, 'w');

    const idle = await describeGroup(sandbox, 'laggers');
    assert.deepEqual(Object.keys(idle), DESCRIBE_KEYS);
    assert.equal(idle.state, 'empty');
    assert.deepEqual(idle.members, []);
    assert.deepEqual(idle.partitions, [
      { topic: 'lagt', partition: 0, committedOffset: 30, logEndOffset: 37, lag: 7, memberId: null, clientId: null, pid: null },
      { topic: 'lagt', partition: 1, committedOffset: 20, logEndOffset: 25, lag: 5, memberId: null, clientId: null, pid: null },
    ]);
    const listed = (await listGroups(sandbox)).find((g) => g.group === 'laggers');
    assert.deepEqual(listed, { group: 'laggers', state: 'empty', members: 0, topics: ['lagt'], lag: 12 });
    const idleText = text(await ok(['group', 'describe', 'laggers']));
    assert.match(idleText, /^group laggers: empty, generation \d+, 0 members\n\nTOPIC +PARTITION +COMMITTED +END +LAG +MEMBER-ID +CLIENT-ID +PID\n/);
    assert.match(idleText, /^lagt +0 +30 +37 +7 +- +- +-$/m);
    assert.match(idleText, /\ntotal lag: 12\n$/);
    assert.doesNotMatch(idleText, /MEMBER-ID +CLIENT-ID +PID +HOST/, 'no members table without members');
    assert.match(text(await ok(['group', 'list'])), /^GROUP +STATE +MEMBERS +TOPICS +LAG\n(.*\n)*laggers +empty +0 +lagt +12\n/);

    const follower = member('lagt', 'laggers');
    const { description } = await waitForGroup(sandbox, 'laggers', (d) => caughtUp(d) && d.state === 'stable', 'lag 0 with a member');
    assert.equal(description.members.length, 1);
    const [m] = description.members;
    assert.deepEqual(Object.keys(m!), MEMBER_KEYS);
    assert.equal(m!.pid, follower.pid);
    assert.deepEqual(m!.assignment, [{ topic: 'lagt', partition: 0 }, { topic: 'lagt', partition: 1 }]);
    for (const p of description.partitions) {
      assert.deepEqual(Object.keys(p), PARTITION_KEYS);
      assert.deepEqual([p.lag, p.memberId, p.clientId, p.pid], [0, m!.memberId, m!.clientId, follower.pid]);
    }
    assert.equal((await listGroups(sandbox)).find((g) => g.group === 'laggers')?.lag, 0);

    const busy = text(await ok(['group', 'describe', 'laggers']));
    const header = new RegExp(`^group laggers: stable, generation ${description.generation}, 1 member\\n\\nMEMBER-ID +CLIENT-ID +PID +HOST +PARTITIONS\\n`);
    assert.match(busy, header);
    assert.match(busy, new RegExp(`^${m!.memberId} +${m!.clientId} +${follower.pid} +${m!.host} +lagt:0,1$`, 'm'));
    assert.match(busy, new RegExp(`^lagt +1 +25 +25 +0 +${m!.memberId} +${m!.clientId} +${follower.pid}$`, 'm'));
    assert.match(busy, /\ntotal lag: 0\n$/);
    await stopMember(follower);
    assert.equal((await listGroups(sandbox)).find((g) => g.group === 'laggers')?.state, 'empty');
  });

  test('reset prints the plan and changes nothing without --execute; --execute moves offsets; both are refused with members', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'replay', '-p', '2']), 0);
    await produce('replay', 0, 10);
    await produce('replay', 1, 10);
    const running = member('replay', 'replayers');
    const { description: before } = await waitForGroup(sandbox, 'replayers', caughtUp, 'the member to commit 10 and 10');
    assert.deepEqual(committed(before), [[0, 10], [1, 10]]);

    for (const execute of [[], ['--execute']]) {
      const refused = assertOneErrorLine(await sandbox.run(['group', 'reset', 'replayers', '--topic', 'replay', '--to-earliest', ...execute]), 1);
      assert.match(refused, /^spool: group "replayers" has 1 active member\(s\); stop them before/);
    }
    assert.deepEqual(committed(await describeGroup(sandbox, 'replayers')), [[0, 10], [1, 10]]);
    await stopMember(running);

    const dry = await ok(['group', 'reset', 'replayers', '--topic', 'replay', '--to-earliest']);
    assert.equal(text(dry), `TOPIC   PARTITION  OLD  NEW\nreplay          0   10    0\nreplay          1   10    0\n${DRY_RUN}\n`);
    assert.deepEqual(committed(await describeGroup(sandbox, 'replayers')), [[0, 10], [1, 10]], 'a dry run changes nothing');

    const done = await ok(['group', 'reset', 'replayers', '--topic', 'replay', '--to-earliest', '--execute']);
    assert.deepEqual(stdoutLines(done).slice(-1), ['offsets of group replayers reset']);
    const reset = await describeGroup(sandbox, 'replayers');
    assert.deepEqual(committed(reset), [[0, 0], [1, 0]]);
    assert.equal(reset.partitions.reduce((sum, p) => sum + p.lag, 0), 20);

    await ok(['group', 'reset', 'replayers', '--topic', 'replay:1', '--to-offset', '4', '--execute']);
    await ok(['group', 'reset', 'replayers', '--topic', 'replay:0', '--shift-by', '7', '--execute']);
    await ok(['group', 'reset', 'replayers', '--topic', 'replay:0', '--shift-by', '-2', '--execute']);
    assert.deepEqual(committed(await describeGroup(sandbox, 'replayers')), [[0, 5], [1, 4]]);
    assert.deepEqual(planned(await ok(['group', 'reset', 'replayers', '--topic', 'replay', '--to-latest'])), [[0, '5', 10], [1, '4', 10]]);
    assert.deepEqual(planned(await ok(['group', 'reset', 'replayers', '--topic', 'replay:0,1', '--to-offset', '99'])), [[0, '5', 10], [1, '4', 10]]);
    assert.deepEqual(planned(await ok(['group', 'reset', 'replayers', '--topic', 'replay:1', '--shift-by=-50'])), [[1, '4', 0]]);
    assertOneErrorLine(await sandbox.run(['group', 'reset', 'replayers', '--topic', 'replay:5', '--to-earliest']), 1);

    const resumed = await ok(['consume', 'replay', '-g', 'replayers', '-e', '-f', '%p %o\\n']);
    const read = stdoutLines(resumed).sort();
    const expected = [...[5, 6, 7, 8, 9].map((o) => `0 ${o}`), ...[4, 5, 6, 7, 8, 9].map((o) => `1 ${o}`)].sort();
    assert.deepEqual(read, expected, 'the next member starts at the reset offsets');
  });

  test('reset --to-datetime and --by-duration go to the first offset at or after that time; a partition never committed shows OLD -', async () => {
    const now = Date.now();
    const stamps = [now - 3 * HOUR_MS, now - 2 * HOUR_MS, now - HOUR_MS / 2, now - HOUR_MS / 6];
    const input = stamps.map((timestamp, i) => JSON.stringify({ key: null, value: `t${i}`, timestamp })).join('\n');
    assertExit(await sandbox.run(['topic', 'create', 'timed', '-p', '2']), 0);
    assertExit(await sandbox.run(['produce', 'timed', '-p', '0', '--json', '--quiet'], { input }), 0);
    assertExit(await sandbox.run(['consume', 'timed', '-g', 'timers', '-e']), 0);
    const reset = (...args: string[]) => ok(['group', 'reset', 'timers', '--topic', 'timed:0', ...args]);

    assert.deepEqual(planned(await reset('--to-datetime', new Date(stamps[1]!).toISOString())), [[0, '4', 1]]);
    assert.deepEqual(planned(await reset('--to-datetime', String(stamps[1]! + 1))), [[0, '4', 2]]);
    assert.deepEqual(planned(await reset('--to-datetime', '2001-01-01')), [[0, '4', 0]]);
    assert.deepEqual(planned(await reset('--by-duration', '1h')), [[0, '4', 2]]);
    assert.deepEqual(planned(await reset('--by-duration', '150m')), [[0, '4', 1]]);
    assert.deepEqual(planned(await reset('--by-duration', '5m')), [[0, '4', 4]]);
    assert.deepEqual(planned(await reset('--by-duration', '1d')), [[0, '4', 0]]);

    const both = await ok(['group', 'reset', 'timers', '--topic', 'timed', '--to-earliest']);
    assert.deepEqual(planned(both), [[0, '4', 0], [1, '-', 0]]);
    assert.match(text(both), /^timed +1 +- +0$/m);
    await ok(['group', 'reset', 'timers', '--topic', 'timed', '--by-duration', '1h', '--execute']);
    assert.deepEqual(committed(await describeGroup(sandbox, 'timers')), [[0, 2], [1, 0]]);
  });

  test('delete is refused while the group has members and removes it once they left', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'gone', '-p', '1']), 0);
    await produce('gone', 0, 3);
    const running = member('gone', 'leavers');
    await waitForGroup(sandbox, 'leavers', caughtUp, 'the member to commit');
    const refused = assertOneErrorLine(await sandbox.run(['group', 'delete', 'leavers']), 1);
    assert.match(refused, /^spool: group "leavers" has 1 active member\(s\); stop them before/);
    await stopMember(running);
    assert.deepEqual(stdoutLines(await ok(['group', 'delete', 'leavers'])), ['deleted group leavers']);
    assert.equal(assertOneErrorLine(await sandbox.run(['group', 'describe', 'leavers']), 1), 'spool: group "leavers" does not exist');
    assert.equal((await listGroups(sandbox)).find((g) => g.group === 'leavers'), undefined);
    // The offsets went with it: a new member of that name starts from the beginning again.
    const again = await ok(['consume', 'gone', '-g', 'leavers', '-e']);
    assert.deepEqual(stdoutLines(again), ['v0', 'v1', 'v2']);
  });

  test('bad reset flags are usage errors (exit 2) found before anything is sent', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--topic', 'replay'], /say where to reset to/],
      [['--topic', 'replay', '--to-earliest', '--to-latest'], /give only one of/],
      [['--topic', 'replay', '--to-offset', '-1'], /invalid --to-offset value "-1"/],
      [['--topic', 'replay', '--shift-by', '1.5'], /invalid --shift-by value "1.5"/],
      [['--topic', 'replay', '--by-duration', 'soon'], /invalid --by-duration value "soon"/],
      [['--topic', 'replay', '--to-datetime', 'yesterday'], /invalid --to-datetime value "yesterday"/],
      [['--topic', 'replay:', '--to-earliest'], /invalid --topic value "replay:"/],
      [['--topic', 'replay:x', '--to-earliest'], /invalid --topic partition value "x"/],
      [['--topic', 'bad/name', '--to-earliest'], /bad\/name/],
      [['--to-earliest'], /required option '--topic/],
    ];
    for (const [args, message] of cases) {
      // --no-autostart on a socket nobody listens on: a usage error must come before connecting.
      const result = await sandbox.run(['--socket', join(sandbox.dir, 'nobody.sock'), '--no-autostart', 'group', 'reset', 'replayers', ...args]);
      assert.match(assertOneErrorLine(result, 2, args.join(' ')), message);
    }
    assertOneErrorLine(await sandbox.run(['group', 'describe', '']), 2);
  });

  test('describe --watch in a pipe prints plain tables every second, separated by a blank line, until Ctrl-C (exit 0)', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'watched', '-p', '2']), 0);
    await produce('watched', 0, 5);
    const running = member('watched', 'watchers');
    await waitForGroup(sandbox, 'watchers', caughtUp, 'the member to commit');

    const watch = sandbox.spawn(['group', 'describe', 'watchers', '--watch'], { stdin: 'ignore' });
    members.push(watch);
    await watch.waitFor((p) => p.stdout.toString('utf8').split('total lag: 0\n').length > 3, 'three refreshes');
    watch.kill('SIGINT');
    const result = await watch.finish();
    assertExit(result, 0, 'describe --watch after SIGINT');
    const out = text(result);
    assert.doesNotMatch(out, /\x1b/, 'no escape sequences in a pipe');
    const blocks = out.trimEnd().split('\n\ngroup ');
    assert.ok(blocks.length >= 3, `${blocks.length} blocks`);
    const single = text(await ok(['group', 'describe', 'watchers']));
    assert.equal(`${blocks[0]}\n`, single, 'each block is what describe prints');
    for (const block of blocks.slice(1)) assert.equal(`group ${block}\n`, single);

    const json = sandbox.spawn(['group', 'describe', 'watchers', '--watch', '--json'], { stdin: 'ignore' });
    members.push(json);
    await json.waitFor((p) => p.stdoutLineCount >= 2, 'two JSON lines');
    json.kill('SIGTERM');
    const jsonResult = await json.finish();
    assertExit(jsonResult, 0, 'describe --watch --json after SIGTERM');
    for (const line of stdoutLines(jsonResult)) assert.deepEqual(Object.keys(JSON.parse(line) as object), DESCRIBE_KEYS);
    await stopMember(running);
  });

  test('describe --watch on a terminal is a live ink view that q quits (exit 0)', { skip: scriptSkipReason() }, async () => {
    const command = `stty cols 140 rows 40; exec "${process.execPath}" "${SPOOL_BIN}" --data-dir "${sandbox.dataDir}" group describe watchers --watch`;
    const view = new SpoolProcess('script', ['-qfec', command, '/dev/null'], { env: { CI: undefined, TERM: 'xterm-256color' } });
    members.push(view);
    await view.waitFor((p) => /refreshed \d\d:\d\d:\d\d[\s\S]*q or Ctrl-C quits/.test(p.stdout.toString('utf8')), 'the live view');
    await view.write('q');
    const result = await view.finish();
    assertExit(result, 0, 'the live view after q');
    const out = text(result);
    assert.match(out, /\x1b\[/, 'drawn with escape sequences');
    assert.match(out, /group watchers.*empty.*generation \d+.*0 members.*total lag.*0/);
    assert.match(out, /TOPIC +PARTITION +COMMITTED +END +LAG +MEMBER-ID +CLIENT-ID +PID/);
  });

  test('only the live view loads ink and React: list, describe, reset and --help do not', async () => {
    const hooks = join(sandbox.dir, 'hooks.mjs');
    const register = join(sandbox.dir, 'register.mjs');
    writeFileSync(
      hooks,
      "import { writeSync } from 'node:fs';\n" +
        'export async function resolve(specifier, context, next) {\n' +
        "  if (/^(ink|react)(\\/|$)/.test(specifier)) writeSync(2, `LOADED ${specifier}\\n`);\n" +
        '  return next(specifier, context);\n' +
        '}\n',
    );
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);
    const env = { NODE_OPTIONS: `--import ${new URL(`file://${register}`).href}` };
    const control = await new SpoolProcess(process.execPath, ['--input-type=module', '-e', "await import('ink')"], { env }).finish();
    assert.match(control.stderr, /LOADED ink/, 'the hook sees ink being loaded');
    for (const args of [['--help'], ['group', 'list'], ['group', 'describe', 'replayers'], ['group', 'reset', 'replayers', '--topic', 'replay', '--to-earliest']]) {
      const result = await sandbox.run(args, { env });
      assertExit(result, 0, args.join(' '));
      assert.doesNotMatch(result.stderr, /LOADED/, `spool ${args.join(' ')} loaded ink or React`);
    }
  });

  test('every group subcommand has examples in --help', async () => {
    const group = text(await ok(['group', '--help']));
    const helps = new Map<string, string>();
    for (const sub of ['list', 'describe', 'reset', 'delete']) {
      assert.match(group, new RegExp(`^  ${sub}\\b`, 'm'));
      helps.set(sub, text(await ok(['group', sub, '--help'])));
      assert.match(helps.get(sub)!, new RegExp(`\\nExamples?:\\n  spool group ${sub}`), `group ${sub} --help`);
    }
    const reset = helps.get('reset')!;
    for (const flag of ['--topic', '--to-earliest', '--to-latest', '--to-offset', '--to-datetime', '--by-duration', '--shift-by', '--execute']) assert.ok(reset.includes(flag), flag);
  });
});

function scriptSkipReason(): string | false {
  if (process.platform !== 'linux') return 'needs util-linux script(1) for a pseudo-terminal';
  return existsSync('/usr/bin/script') || existsSync('/bin/script') ? false : 'script(1) is not installed';
}
