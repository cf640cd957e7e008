// LogManager creating and listing topics in a real data directory: names and configs are checked
// before anything is written (a refused topic leaves no row and no directory), configs are stored
// normalized, and topics with their data and configs survive a reopen.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { TOPIC_CONFIG_NAMES } from '../../../src/common/topic-config.js';
import { partitionDir, segmentFileName, topicDir } from '../../../src/storage/file-names.js';
import type { LogManager } from '../../../src/storage/log-manager.js';
import { assertSpoolError, garbage, makeBatch, makeBatches, offsetsOf, range, readAll, useStorageFixture, valuesOf } from '../../helpers/storage-fixtures.js';

function rowCount(logs: LogManager, table: string): number {
  return (logs.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('storage > LogManager > topics', () => {
  const fixture = useStorageFixture();

  test('a new data directory has a topics folder and an index.db in WAL mode', () => {
    const { logs, recovered } = fixture.open();
    assert.deepEqual(recovered, []);
    assert.deepEqual(logs.topics(), []);
    assert.ok(existsSync(join(fixture.dataDir, 'topics')));
    assert.equal(logs.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(logs.db.pragma('foreign_keys', { simple: true }), 1);
  });

  test('created topics are listed by name with their partitions and configs', () => {
    let nowMs = 5000;
    const { logs } = fixture.open({ now: () => nowMs });
    logs.createTopic('orders', 3, { 'retention.ms': '1000' });
    nowMs = 6000;
    logs.createTopic('audit', 1, {});
    assert.deepEqual(logs.topics().map((t) => [t.name, t.partitions.length, t.createdMs]), [['audit', 1, 6000], ['orders', 3, 5000]]);
    const orders = logs.requireTopic('orders');
    assert.deepEqual(orders.overrides, { 'retention.ms': '1000' });
    assert.equal(orders.config.retentionMs, 1000);
    assert.equal(orders.config.segmentBytes, 67108864);
    assert.deepEqual(Object.keys(logs.effectiveConfigs(orders)).sort(), [...TOPIC_CONFIG_NAMES].sort());
    for (const p of range(3)) {
      assert.ok(existsSync(join(partitionDir(fixture.dataDir, 'orders', p), segmentFileName(0))));
      assert.equal(logs.partition('orders', p).nextOffset, 0);
    }
    assert.equal(statSync(topicDir(fixture.dataDir, 'orders')).mode & 0o777, 0o700);
  });

  test('config values are stored in their normalized form', () => {
    const { logs } = fixture.open();
    const topic = logs.createTopic('t', 1, { 'cleanup.policy': 'delete, compact', 'segment.bytes': '02048' });
    assert.deepEqual(topic.overrides, { 'cleanup.policy': 'compact,delete', 'segment.bytes': '2048' });
    assert.equal(topic.config.cleanupPolicy, 'compact,delete');
    assert.equal(topic.config.segmentBytes, 2048);
  });

  test('broker defaults apply where the topic sets nothing', () => {
    const { logs } = fixture.open({ brokerDefaults: { 'max.message.bytes': '2000', 'retention.ms': '10' } });
    const topic = logs.createTopic('t', 1, { 'retention.ms': '20' });
    assert.equal(topic.config.maxMessageBytes, 2000);
    assert.equal(topic.config.retentionMs, 20);
    assert.equal(logs.effectiveConfigs(topic)['max.message.bytes'], '2000');
  });

  test('an invalid config key or value is refused with InvalidConfig and creates nothing', () => {
    const { logs } = fixture.open();
    const bad: Record<string, string>[] = [
      { 'no.such.key': '1' },
      { 'segment.bytes': '1023' },
      { 'segment.bytes': 'big' },
      { 'retention.ms': '-2' },
      { 'retention.bytes': '1.5' },
      { 'cleanup.policy': 'forever' },
      { 'max.message.bytes': '63' },
      { 'retention.ms': '1000', 'segment.ms': '0' },
    ];
    for (const configs of bad) assertSpoolError(() => logs.createTopic('t', 1, configs), ErrorCode.InvalidConfig);
    assert.equal(logs.topic('t'), undefined);
    assert.equal(rowCount(logs, 'topics'), 0);
    assert.equal(rowCount(logs, 'topic_configs'), 0);
    assert.equal(existsSync(topicDir(fixture.dataDir, 't')), false);
  });

  test('invalid topic names are refused with InvalidTopic and create nothing', () => {
    const { logs } = fixture.open();
    for (const name of ['', '.', '..', 'a/b', '../escape', 'with space', 'ümlaut', 'x'.repeat(250), 'tab\t']) {
      assertSpoolError(() => logs.createTopic(name, 1, {}), ErrorCode.InvalidTopic);
    }
    assert.equal(rowCount(logs, 'topics'), 0);
    assert.equal(existsSync(join(fixture.dataDir, 'escape')), false);
  });

  test('names of letters, digits, dots, underscores and dashes up to 249 characters are accepted', () => {
    const { logs } = fixture.open();
    for (const name of ['a', 'A.b_c-9', '...', 'x'.repeat(249)]) logs.createTopic(name, 1, {});
    assert.equal(logs.topics().length, 4);
  });

  test('creating a topic that exists fails with TopicAlreadyExists and keeps the first one', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 2, { 'retention.ms': '5' });
    logs.partition('t', 0).append(makeBatch(3));
    assertSpoolError(() => logs.createTopic('t', 1, {}), ErrorCode.TopicAlreadyExists);
    assert.equal(logs.requireTopic('t').partitions.length, 2);
    assert.equal(logs.partition('t', 0).nextOffset, 3);
  });

  test('a partition count outside 1..10000 is refused with InvalidPartitions', () => {
    const { logs } = fixture.open();
    for (const count of [0, -1, 1.5, 10001, Number.NaN]) assertSpoolError(() => logs.createTopic('t', count, {}), ErrorCode.InvalidPartitions);
    assert.equal(rowCount(logs, 'partitions'), 0);
  });

  test('an unknown topic or partition is UnknownTopicOrPartition', () => {
    const { logs } = fixture.open();
    logs.createTopic('t', 2, {});
    assert.equal(logs.topic('nope'), undefined);
    assertSpoolError(() => logs.requireTopic('nope'), ErrorCode.UnknownTopicOrPartition);
    assertSpoolError(() => logs.partition('nope', 0), ErrorCode.UnknownTopicOrPartition);
    assertSpoolError(() => logs.partition('t', 2), ErrorCode.UnknownTopicOrPartition);
  });

  test('a leftover directory of an earlier topic does not leak into a new topic of that name', () => {
    const stale = partitionDir(fixture.dataDir, 't', 0);
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, segmentFileName(0)), makeBatch(5));
    writeFileSync(join(stale, segmentFileName(5)), garbage(100));
    const { logs } = fixture.open();
    logs.createTopic('t', 1, {});
    const log = logs.partition('t', 0);
    assert.equal(log.nextOffset, 0);
    assert.equal(log.segmentCount, 1);
    assert.equal(log.read(0, 1 << 20).length, 0);
  });

  test('topics, configs and data survive a reopen', () => {
    const { logs } = fixture.open({ now: () => 777 });
    logs.createTopic('a', 2, { 'segment.bytes': '1024' });
    logs.createTopic('b', 1, { 'cleanup.policy': 'compact' });
    for (const b of makeBatches(range(10).map(() => 3), { valueBytes: 50 })) logs.partition('a', 1).append(b);
    logs.partition('b', 0).append(makeBatch(2, { first: 100 }));
    const total = logs.totalBytes();
    logs.flushAll();
    fixture.close(logs);

    const { logs: again, recovered } = fixture.open();
    assert.deepEqual(recovered, []);
    assert.deepEqual(again.topics().map((t) => [t.name, t.partitions.length, t.createdMs]), [['a', 2, 777], ['b', 1, 777]]);
    assert.deepEqual(again.requireTopic('a').overrides, { 'segment.bytes': '1024' });
    assert.equal(again.requireTopic('b').config.cleanupPolicy, 'compact');
    assert.equal(again.partition('a', 0).nextOffset, 0);
    assert.deepEqual(offsetsOf(readAll(again.partition('a', 1))), range(30));
    assert.ok(again.partition('a', 1).segmentCount > 1);
    assert.deepEqual(valuesOf(readAll(again.partition('b', 0))), ['v100', 'v101']);
    assert.equal(again.totalBytes(), total);
  });
});
