// e2e: the library's errors are classes exported by the package, with the CLI's messages and
// exit codes (SPEC §10, §3): a missing topic or group, an existing topic, a group with members,
// no broker with autostart off, invalid names and positions (before anything is sent), and
// autostart when it is on.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BrokerUnavailableError,
  connect,
  ExitCode,
  GroupNotEmptyError,
  GroupNotFoundError,
  SpoolError,
  TopicExistsError,
  TopicNotFoundError,
  UsageError,
  type SpoolClient,
} from '../../src/lib/index.js';
import { lockFilePid } from '../helpers/spool-broker.js';
import { assertOneErrorLine } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

/** `err` is an instance of `kind` whose message is the CLI's line without its `spool: `. */
function sameAsCli(kind: abstract new (...args: never[]) => Error, cliLine: string, exitCode: number) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof kind, `expected a ${kind.name}, got ${String(err)}`);
    assert.ok(err instanceof SpoolError);
    assert.equal(`spool: ${err.message}`, cliLine);
    assert.equal(err.exitCode, exitCode);
    return true;
  };
}

describe('e2e > library > errors', () => {
  let sandbox: SpoolSandbox;
  let client: SpoolClient;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    client = await connect({ dataDir: sandbox.dataDir, autostart: false });
  });

  after(async () => {
    await client?.close();
    await sandbox.cleanup();
  });

  test('a missing topic: TopicNotFoundError with the CLI message, from describe, consume and trim', async () => {
    const describeLine = assertOneErrorLine(await sandbox.run(['topic', 'describe', 'nope']), 1);
    await assert.rejects(client.topics.describe('nope'), sameAsCli(TopicNotFoundError, describeLine, ExitCode.Runtime));
    const consumeLine = assertOneErrorLine(await sandbox.run(['consume', 'nope', '-e']), 1);
    await assert.rejects(client.consume('nope', { exitAtEnd: true }).next(), sameAsCli(TopicNotFoundError, consumeLine, ExitCode.Runtime));
    const trimLine = assertOneErrorLine(await sandbox.run(['topic', 'trim', 'nope', '--before', '1']), 1);
    await assert.rejects(client.topics.trim('nope', { before: 1 }), sameAsCli(TopicNotFoundError, trimLine, ExitCode.Runtime));
    const deleteLine = assertOneErrorLine(await sandbox.run(['topic', 'delete', 'nope']), 1);
    await assert.rejects(client.topics.delete('nope'), sameAsCli(TopicNotFoundError, deleteLine, ExitCode.Runtime));
  });

  test('an existing topic: TopicExistsError, or false with ifNotExists', async () => {
    assert.equal(await client.topics.create('twice', { partitions: 2 }), true);
    const line = assertOneErrorLine(await sandbox.run(['topic', 'create', 'twice']), 1);
    await assert.rejects(client.topics.create('twice'), sameAsCli(TopicExistsError, line, ExitCode.Runtime));
    assert.equal(await client.topics.create('twice', { ifNotExists: true }), false);
  });

  test('groups: a missing one is GroupNotFoundError, one with members refuses reset and delete', async () => {
    const missingLine = assertOneErrorLine(await sandbox.run(['group', 'delete', 'no-such-group']), 1);
    await assert.rejects(client.groups.delete('no-such-group'), sameAsCli(GroupNotFoundError, missingLine, ExitCode.Runtime));
    await client.producer().send('busy', { value: 'v' });
    const stream = client.consume('busy', { group: 'busy-group' });
    assert.equal((await stream.next()).done, false);
    try {
      const resetLine = assertOneErrorLine(await sandbox.run(['group', 'reset', 'busy-group', '--topic', 'busy', '--to-earliest', '--execute']), 1);
      await assert.rejects(
        client.groups.reset('busy-group', { topic: 'busy', to: 'earliest', execute: true }),
        sameAsCli(GroupNotEmptyError, resetLine, ExitCode.Runtime),
      );
      const deleteLine = assertOneErrorLine(await sandbox.run(['group', 'delete', 'busy-group']), 1);
      await assert.rejects(client.groups.delete('busy-group'), sameAsCli(GroupNotEmptyError, deleteLine, ExitCode.Runtime));
    } finally {
      await stream.close();
    }
    const plan = await client.groups.reset('busy-group', { topic: 'busy', to: 'earliest' });
    assert.deepEqual(plan, { plan: [{ topic: 'busy', partition: 0, oldOffset: 1, newOffset: 0 }], executed: false });
    assert.equal((await client.groups.reset('busy-group', { topic: 'busy', to: { shiftBy: -1 }, execute: true })).executed, true);
    assert.equal((await client.groups.describe('busy-group')).partitions[0]!.committedOffset, 0);
    await client.groups.delete('busy-group');
    assert.deepEqual(
      (await client.groups.list()).map((g) => g.group).filter((g) => g === 'busy-group'),
      [],
    );
  });

  test('no broker and autostart off: BrokerUnavailableError (exit 3) with the CLI message', async () => {
    const other = await SpoolSandbox.create();
    try {
      const line = assertOneErrorLine(await other.run(['topic', 'list', '--no-autostart']), 3);
      await assert.rejects(connect({ dataDir: other.dataDir, autostart: false }), sameAsCli(BrokerUnavailableError, line, ExitCode.NoBroker));
      await assert.rejects(connect({ broker: `unix:${join(other.dataDir, 'spool.sock')}`, autostart: false }), BrokerUnavailableError);
    } finally {
      await other.cleanup();
    }
  });

  test('invalid names, configs and positions: UsageError (exit 2) before anything is sent', async () => {
    const nameLine = assertOneErrorLine(await sandbox.run(['topic', 'create', 'bad name']), 2);
    await assert.rejects(client.topics.create('bad name'), sameAsCli(UsageError, nameLine, ExitCode.Usage));
    await assert.rejects(client.producer().send('bad name', { value: 'v' }), sameAsCli(UsageError, nameLine, ExitCode.Usage));
    assert.throws(() => client.consume('bad name'), sameAsCli(UsageError, nameLine, ExitCode.Usage));
    await assert.rejects(client.topics.describe('..'), UsageError);
    const configLine = assertOneErrorLine(await sandbox.run(['topic', 'create', 'c', '--config', 'retention.ms=soon']), 2);
    await assert.rejects(client.topics.create('c', { configs: { 'retention.ms': 'soon' } }), sameAsCli(UsageError, configLine, ExitCode.Usage));
    assert.throws(() => client.consume('t', { from: 'yesterday' }), (err: unknown) => err instanceof UsageError && /^invalid from value "yesterday": use beginning, end, stored, N, -N or @TIME/.test(err.message));
    assert.throws(() => client.consume('t', { from: 'stored' }), UsageError);
    assert.throws(() => client.consume('t', { group: 'g', partitions: [0] }), UsageError);
    assert.throws(() => client.consume('t', { group: '' }), UsageError);
    await assert.rejects(client.groups.reset('g', { topic: 't', to: { offset: -1 } }), UsageError);
    await assert.rejects(connect({ broker: 'unix:', autostart: false }), UsageError);
    assert.deepEqual((await client.topics.list()).map((t) => t.name).filter((n) => n === 'c' || n === 't'), [], 'nothing was created');
  });

  test('autostart on: connect() starts a broker for its data directory, as any CLI command does', async () => {
    const fresh = await SpoolSandbox.create();
    try {
      const started = await connect({ dataDir: fresh.dataDir });
      try {
        const pid = lockFilePid(fresh.dataDir);
        assert.ok(pid !== null, 'a broker holds the data directory');
        fresh.track(pid);
        assert.equal(started.address, join(fresh.dataDir, 'spool.sock'));
        await started.topics.create('hello');
        assert.deepEqual((await started.topics.list()).map((t) => t.name), ['hello']);
      } finally {
        await started.close();
      }
    } finally {
      await fresh.cleanup();
    }
  });
});
