// LogManager altering and deleting topics: configs are set and removed (an empty value removes
// the override), partitions only grow, a refused alter changes nothing, and a deleted topic
// leaves no row in any table and no directory behind: its directory leaves topics/ at once and its
// files are removed off the event loop (from trash/, which the next open empties too).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { TRASH_DIR, partitionDir, topicDir } from '../../../src/storage/file-names.js';
import type { LogManager } from '../../../src/storage/log-manager.js';
import {
  assertSpoolError,
  indexSnapshot,
  makeBatch,
  makeBatches,
  offsetsOf,
  range,
  readAll,
  useStorageFixture,
} from '../../helpers/storage-fixtures.js';

function rowsOfTopic(logs: LogManager, topicId: number, partitionIds: number[]): number {
  const count = (sql: string, ...args: number[]): number => (logs.db.prepare(sql).get(...args) as { n: number }).n;
  let total = count('SELECT COUNT(*) AS n FROM topics WHERE id = ?', topicId);
  total += count('SELECT COUNT(*) AS n FROM topic_configs WHERE topic_id = ?', topicId);
  total += count('SELECT COUNT(*) AS n FROM partitions WHERE topic_id = ?', topicId);
  for (const id of partitionIds) {
    const snapshot = indexSnapshot(logs.db, id);
    total += snapshot.offsetRows.length + snapshot.timeRows.length + snapshot.segmentRows.length;
  }
  return total;
}

describe('storage > LogManager > alter', () => {
  const fixture = useStorageFixture();

  test('configs are set, replaced and removed with an empty value', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 1, { 'retention.ms': '1000', 'segment.bytes': '4096' });
    let topic = logs.alterTopic('t', { 'retention.ms': '2000', 'cleanup.policy': 'compact' }, null);
    assert.deepEqual(topic.overrides, { 'retention.ms': '2000', 'segment.bytes': '4096', 'cleanup.policy': 'compact' });
    assert.equal(topic.config.retentionMs, 2000);
    topic = logs.alterTopic('t', { 'segment.bytes': '' }, null);
    assert.deepEqual(topic.overrides, { 'retention.ms': '2000', 'cleanup.policy': 'compact' });
    assert.equal(topic.config.segmentBytes, 67108864, 'back to the default');
    topic = logs.alterTopic('t', { 'segment.ms': '' }, null);
    assert.equal(Object.keys(topic.overrides).length, 2, 'removing a config that is not set is no error');
  });

  test('partitions grow and the new ones take appends', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 1, {});
    logs.partition('t', 0).append(makeBatch(2));
    const topic = logs.alterTopic('t', {}, 3);
    assert.equal(topic.partitions.length, 3);
    assert.deepEqual(topic.partitionRows.map((r) => r.partition), [0, 1, 2]);
    assert.ok(existsSync(partitionDir(fixture.dataDir, 't', 2)));
    assert.deepEqual(logs.partition('t', 2).append(makeBatch(4)), { baseOffset: 0, lastOffset: 3 });
    assert.equal(logs.partition('t', 0).nextOffset, 2);
    logs.alterTopic('t', {}, 3);
    assert.equal(logs.requireTopic('t').partitions.length, 3, 'the same count is no change');
  });

  test('partitions never shrink: InvalidPartitions', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 3, {});
    assertSpoolError(() => logs.alterTopic('t', {}, 2), ErrorCode.InvalidPartitions);
    assertSpoolError(() => logs.alterTopic('t', {}, 0), ErrorCode.InvalidPartitions);
    assert.equal(logs.requireTopic('t').partitions.length, 3);
  });

  test('an invalid key or value is refused with InvalidConfig and nothing in the call is applied', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 1, { 'retention.ms': '1000' });
    const refused: Record<string, string>[] = [
      { 'retention.ms': '5', 'segment.bytes': '10' },
      { 'retention.ms': '5', 'no.such.key': '1' },
      { 'retention.ms': '5', 'no.such.key': '' },
    ];
    for (const configs of refused) assertSpoolError(() => logs.alterTopic('t', configs, 4), ErrorCode.InvalidConfig);
    const topic = logs.requireTopic('t');
    assert.deepEqual(topic.overrides, { 'retention.ms': '1000' });
    assert.equal(topic.partitions.length, 1, 'the partition count in the same call is not applied either');
  });

  test('altering an unknown topic is UnknownTopicOrPartition', () => {
    const { logs } = fixture.open();
    assertSpoolError(() => logs.alterTopic('nope', { 'retention.ms': '1' }, null), ErrorCode.UnknownTopicOrPartition);
  });

  test('altered configs and partitions survive a reopen', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 1, { 'segment.bytes': '2048' });
    logs.alterTopic('t', { 'segment.bytes': '', 'retention.bytes': '1000000' }, 2);
    logs.partition('t', 1).append(makeBatch(3));
    fixture.close(logs);
    const { logs: again } = fixture.open();
    const topic = again.requireTopic('t');
    assert.deepEqual(topic.overrides, { 'retention.bytes': '1000000' });
    assert.equal(topic.partitions.length, 2);
    assert.deepEqual(offsetsOf(readAll(again.partition('t', 1))), range(3));
  });
});

describe('storage > LogManager > delete', () => {
  const fixture = useStorageFixture();

  test('deleting a topic removes every row of it and its directory, and nothing of the others', () => {
    const { logs } = fixture.open();
    const doomed = logs.createTopic('doomed', 2, { 'segment.bytes': '1024', 'retention.ms': '5' });
    logs.createTopic('kept', 1, { 'segment.bytes': '1024' });
    for (const batch of makeBatches(range(20).map(() => 2), { valueBytes: 60 })) logs.partition('doomed', 1).append(batch);
    for (const batch of makeBatches(range(20).map(() => 2), { valueBytes: 60 })) logs.partition('kept', 0).append(batch);
    const partitionIds = doomed.partitionRows.map((r) => r.id);
    assert.ok(rowsOfTopic(logs, doomed.id, partitionIds) > 10);
    const kept = logs.requireTopic('kept');
    const keptRows = indexSnapshot(logs.db, kept.partitionRows[0]!.id);

    logs.deleteTopic('doomed');
    assert.equal(rowsOfTopic(logs, doomed.id, partitionIds), 0);
    assert.equal(existsSync(topicDir(fixture.dataDir, 'doomed')), false);
    assert.equal(logs.topic('doomed'), undefined);
    assertSpoolError(() => logs.partition('doomed', 0), ErrorCode.UnknownTopicOrPartition);
    assert.deepEqual(indexSnapshot(logs.db, kept.partitionRows[0]!.id), keptRows);
    assert.deepEqual(offsetsOf(readAll(logs.partition('kept', 0))), range(40));

    fixture.close(logs);
    const { logs: again, recovered } = fixture.open();
    assert.deepEqual(recovered, []);
    assert.deepEqual(again.topics().map((t) => t.name), ['kept']);
  });

  test('a topic created again after a delete starts empty at offset 0', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 1, { 'retention.ms': '5' });
    logs.partition('t', 0).append(makeBatch(10));
    logs.deleteTopic('t');
    const again = logs.createTopic('t', 1, {});
    assert.deepEqual(again.overrides, {});
    const log = logs.partition('t', 0);
    assert.equal(log.nextOffset, 0);
    assert.equal(log.offsetForTimestamp(0), null);
    assert.deepEqual(log.append(makeBatch(1)), { baseOffset: 0, lastOffset: 0 });
  });

  /** Wait until the trash is empty (its removal runs off the event loop). */
  async function trashEmptied(): Promise<void> {
    const trash = join(fixture.dataDir, TRASH_DIR);
    for (let i = 0; i < 200 && existsSync(trash) && readdirSync(trash).length > 0; i++) await sleep(10);
    assert.deepEqual(existsSync(trash) ? readdirSync(trash) : [], [], 'the trash is emptied');
  }

  test("a deleted topic's files are removed off the event loop; a topic of the same name made at once keeps its own", async () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 1, { 'segment.bytes': '1024' });
    for (const batch of makeBatches(range(20).map(() => 2), { valueBytes: 60 })) logs.partition('t', 0).append(batch);
    logs.deleteTopic('t');
    assert.equal(existsSync(topicDir(fixture.dataDir, 't')), false, 'out of topics/ at once');
    // Still there when deleteTopic returns: its removal has not run on this turn of the loop.
    assert.equal(readdirSync(join(fixture.dataDir, TRASH_DIR)).length, 1);
    assert.equal(statSync(join(fixture.dataDir, TRASH_DIR)).mode & 0o777, 0o700, 'private, as every directory of the data dir');
    logs.createTopic('t', 1, {});
    logs.partition('t', 0).append(makeBatch(3));
    await trashEmptied();
    assert.deepEqual(offsetsOf(readAll(logs.partition('t', 0))), range(3));
  });

  test('opening the data directory empties what a stop left in the trash', async () => {
    const left = join(fixture.dataDir, TRASH_DIR, 'old.1.1', '0');
    mkdirSync(left, { recursive: true });
    writeFileSync(join(left, '00000000000000000000.log'), 'stale');
    fixture.open();
    await trashEmptied();
  });

  test('deleting an unknown topic is UnknownTopicOrPartition', () => {
    const { logs } = fixture.open();
    assertSpoolError(() => logs.deleteTopic('nope'), ErrorCode.UnknownTopicOrPartition);
  });

  test('the beforeCommit hook runs in the delete transaction, and when it throws nothing is deleted', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 1, {});
    logs.partition('t', 0).append(makeBatch(3));
    assert.throws(
      () =>
        logs.deleteTopic('t', () => {
          assert.equal(logs.db.inTransaction, true);
          throw new Error('refused');
        }),
      /refused/,
    );
    assert.ok(logs.topic('t') !== undefined);
    assert.ok(existsSync(topicDir(fixture.dataDir, 't')));
    const log = logs.partition('t', 0);
    assert.deepEqual(log.append(makeBatch(1, { first: 3 })), { baseOffset: 3, lastOffset: 3 });
    assert.deepEqual(offsetsOf(readAll(log)), range(4));
  });
});
