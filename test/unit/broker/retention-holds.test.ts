// broker > retention held by groups (retention.groups): the cleaner deletes a due segment only
// when every named group that exists has committed past it, a named group with no commit holds
// everything, a deleted group holds nothing, compaction is not held, and retentionState (what
// `topic describe` shows) says which of time, size or a group keeps the oldest segment.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { RetentionCleaner } from '../../../src/broker/retention-cleaner.js';
import { RetentionHolds, retentionState } from '../../../src/broker/retention-holds.js';
import { createLogger } from '../../../src/common/logger.js';
import { topicConfigProblem, normalizeTopicConfigValue, resolveTopicConfig } from '../../../src/common/topic-config.js';
import { GroupStore } from '../../../src/storage/group-store.js';
import type { LogManager } from '../../../src/storage/log-manager.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import { BASE_TIMESTAMP, makeBatch, useStorageFixture } from '../../helpers/storage-fixtures.js';

/** Records written at BASE_TIMESTAMP; the cleaner's clock is an hour later, so retention.ms=1000 makes them due. */
const NOW = BASE_TIMESTAMP + 3_600_000;

describe('broker > retention held by groups', () => {
  const fixture = useStorageFixture();

  /** Three closed segments of 10 records each (ends 10, 20, 30) and an active one of 10. */
  function setUp(configs: Record<string, string>): { logs: LogManager; log: PartitionLog; store: GroupStore; cleaner: RetentionCleaner } {
    const { logs, log } = fixture.openTopic('t', { 'retention.ms': '1000', ...configs });
    for (let s = 0; s < 4; s++) {
      log.append(makeBatch(10, { first: s * 10, timestamp: () => BASE_TIMESTAMP }));
      if (s < 3) log.roll();
    }
    const store = new GroupStore(logs.db);
    const holds = new RetentionHolds(store);
    const cleaner = new RetentionCleaner(logs, createLogger(new PassThrough()), { holds: (t, p, groups) => holds.of(t, p, groups) }, () => NOW);
    return { logs, log, store, cleaner };
  }

  function stateOf(logs: LogManager, store: GroupStore) {
    const topic = logs.requireTopic('t');
    return retentionState(topic.config, topic.partitions[0]!, new RetentionHolds(store).of('t', 0, topic.config.retentionGroups), NOW);
  }

  test('a named group with no commit holds every segment; commits release them up to the segment they fall in', async () => {
    const { logs, log, store, cleaner } = setUp({ 'retention.groups': 'workers' });
    store.groupClaim({ name: 'workers', generation: 0, createdMs: NOW, protocol: 'spool', protocolType: null });
    await cleaner.runOnce();
    assert.equal(log.logStartOffset, 0);
    assert.deepEqual(stateOf(logs, store), { heldBy: 'group', group: 'workers', committedOffset: null, segmentEndOffset: 10 });
    store.offsetsSave('workers', [{ topic: 't', partition: 0, offset: 15 }], NOW);
    await cleaner.runOnce();
    assert.equal(log.logStartOffset, 10, 'the first segment (offsets 0-9) goes; the second (10-19) is not passed yet');
    assert.deepEqual(stateOf(logs, store), { heldBy: 'group', group: 'workers', committedOffset: 15, segmentEndOffset: 20 });
    store.offsetsSave('workers', [{ topic: 't', partition: 0, offset: 30 }], NOW);
    await cleaner.runOnce();
    assert.equal(log.logStartOffset, 30, 'an offset equal to a segment\'s end releases it');
    assert.deepEqual(stateOf(logs, store), { heldBy: 'active-segment' });
  });

  test('every named group must have committed past a segment: the one furthest behind holds it', async () => {
    const { logs, log, store, cleaner } = setUp({ 'retention.groups': 'fast,slow' });
    store.groupClaim({ name: 'fast', generation: 0, createdMs: NOW, protocol: 'spool', protocolType: null });
    store.groupClaim({ name: 'slow', generation: 0, createdMs: NOW, protocol: 'spool', protocolType: null });
    store.offsetsSave('fast', [{ topic: 't', partition: 0, offset: 40 }], NOW);
    store.offsetsSave('slow', [{ topic: 't', partition: 0, offset: 20 }], NOW);
    await cleaner.runOnce();
    assert.equal(log.logStartOffset, 20);
    assert.deepEqual(stateOf(logs, store), { heldBy: 'group', group: 'slow', committedOffset: 20, segmentEndOffset: 30 });
  });

  test('a deleted group, or a name that is no group, holds nothing', async () => {
    const { logs, log, store, cleaner } = setUp({ 'retention.groups': 'gone,never' });
    store.groupClaim({ name: 'gone', generation: 0, createdMs: NOW, protocol: 'spool', protocolType: null });
    await cleaner.runOnce();
    assert.equal(log.logStartOffset, 0);
    store.groupDelete('gone');
    await cleaner.runOnce();
    assert.equal(log.logStartOffset, 30);
    assert.deepEqual(stateOf(logs, store), { heldBy: 'active-segment' });
  });

  test('size retention is held as time retention is', async () => {
    const { logs, log, store, cleaner } = setUp({ 'retention.ms': '-1', 'retention.bytes': '1', 'retention.groups': 'workers' });
    store.groupClaim({ name: 'workers', generation: 0, createdMs: NOW, protocol: 'spool', protocolType: null });
    store.offsetsSave('workers', [{ topic: 't', partition: 0, offset: 10 }], NOW);
    await cleaner.runOnce();
    assert.equal(log.logStartOffset, 10);
    assert.deepEqual(stateOf(logs, store), { heldBy: 'group', group: 'workers', committedOffset: 10, segmentEndOffset: 20 });
  });

  test('without a group, describe says time (with when it expires) or size, and null once due', () => {
    const { logs, store } = setUp({ 'retention.ms': String(3_600_000 + 5_000) });
    assert.deepEqual(stateOf(logs, store), { heldBy: 'time', expiresMs: BASE_TIMESTAMP + 3_600_000 + 5_000 });
    logs.alterTopic('t', { 'retention.ms': '-1', 'retention.bytes': '1000000' }, null);
    assert.deepEqual(stateOf(logs, store), { heldBy: 'size' });
    logs.alterTopic('t', { 'retention.bytes': '-1' }, null);
    assert.deepEqual(stateOf(logs, store), { heldBy: 'time', expiresMs: null });
    logs.alterTopic('t', { 'retention.ms': '1000' }, null);
    assert.deepEqual(stateOf(logs, store), { heldBy: null }, 'due, and nothing holds it');
    logs.alterTopic('t', { 'cleanup.policy': 'compact' }, null);
    assert.deepEqual(stateOf(logs, store), { heldBy: 'compact' });
  });

  test('retention.groups: names separated by commas, spaces trimmed, repeats dropped; an empty name is refused', () => {
    assert.equal(topicConfigProblem('retention.groups', 'a, b ,a'), null);
    assert.equal(normalizeTopicConfigValue('retention.groups', ' a, b ,a'), 'a,b');
    assert.deepEqual(resolveTopicConfig({ 'retention.groups': 'a,b' }).retentionGroups, ['a', 'b']);
    assert.deepEqual(resolveTopicConfig({}).retentionGroups, []);
    assert.equal(topicConfigProblem('retention.groups', ''), null);
    assert.match(topicConfigProblem('retention.groups', 'a,,b') ?? '', /^invalid value "a,,b" for retention\.groups/);
  });
});
