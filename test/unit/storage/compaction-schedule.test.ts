// CompactionSchedule: the cleaner's periodic check compacts a partition only when a pass can gain
// something: the first time, once enough new segments were rolled (dirty ratio 0.5), when a kept
// tombstone comes due, or when delete.retention.ms changed; a pass that stopped early is retried.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { CompactionSchedule, describeCompaction } from '../../../src/storage/compaction/compaction-schedule.js';
import type { LogManager } from '../../../src/storage/log-manager.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import { BASE_TIMESTAMP, useStorageFixture } from '../../helpers/storage-fixtures.js';

const CONFIGS = { 'cleanup.policy': 'compact', 'segment.bytes': '1024', 'delete.retention.ms': '1000' };
const NOW = BASE_TIMESTAMP + 10;

/**
 * `batches` batches of 4 keyed records, k<firstKey>..k<firstKey + 3> (~500 bytes each: two per
 * segment); `tombstone` makes the first one null.
 */
function produce(log: PartitionLog, batches: number, tombstone = false, timestamp = BASE_TIMESTAMP, firstKey = 0): void {
  for (let b = 0; b < batches; b++) {
    log.append(
      encodeRecordBatch(
        Array.from({ length: 4 }, (_, i) => ({
          key: Buffer.from(`k${firstKey + i}`),
          value: tombstone && i === 0 ? null : Buffer.from(`v${b}`.padEnd(100, '.')),
          headers: [],
          timestamp,
        })),
      ),
    );
  }
}

describe('storage > log compaction > schedule', () => {
  const fixture = useStorageFixture();

  function open(): { logs: LogManager; log: PartitionLog } {
    return fixture.openTopic('t', CONFIGS);
  }

  test('the first check compacts, a second with nothing new does not', async () => {
    const { logs, log } = open();
    produce(log, 12);
    const schedule = new CompactionSchedule();
    const config = logs.requireTopic('t').config;
    const first = await schedule.runIfDue(log, config, NOW);
    assert.ok(first !== null && first.segmentsRewritten > 0);
    assert.match(describeCompaction(first), /^compacted \d+ segment\(s\): [\d.]+ MB -> [\d.]+ MB, \d+ record\(s\) removed \(0 tombstone\(s\)\), 4 key\(s\), (\d+ empty segment\(s\) deleted, )?\d+ ms$/);
    assert.equal(await schedule.runIfDue(log, config, NOW), null);
  });

  test('new segments are compacted once they are half of the closed bytes', async () => {
    const { logs, log } = open();
    produce(log, 12);
    const schedule = new CompactionSchedule();
    const config = logs.requireTopic('t').config;
    await schedule.runIfDue(log, config, NOW);
    const cleanBytes = log.segments().filter((s) => !s.active).reduce((n, s) => n + s.sizeBytes, 0);
    let rolled = 0;
    while (!schedule.isDue(log, config, NOW)) {
      produce(log, 1);
      rolled++;
      assert.ok(rolled < 50, 'becomes due');
    }
    const closed = log.segments().filter((s) => !s.active).reduce((n, s) => n + s.sizeBytes, 0);
    assert.ok(closed - cleanBytes >= cleanBytes, `dirty ${closed - cleanBytes} of ${closed} closed bytes`);
    assert.notEqual(await schedule.runIfDue(log, config, NOW), null);
  });

  test('a kept tombstone makes the partition due when it comes due', async () => {
    const { logs, log } = open();
    produce(log, 4);
    produce(log, 1, true, BASE_TIMESTAMP + 100);
    produce(log, 4, false, BASE_TIMESTAMP, 1);
    const schedule = new CompactionSchedule();
    const config = logs.requireTopic('t').config;
    const first = await schedule.runIfDue(log, config, NOW);
    assert.equal(first?.tombstoneDueMs, BASE_TIMESTAMP + 100 + 1000 + 1);
    assert.equal(schedule.isDue(log, config, BASE_TIMESTAMP + 1100), false);
    assert.equal(schedule.isDue(log, config, BASE_TIMESTAMP + 1101), true);
    const second = await schedule.runIfDue(log, config, BASE_TIMESTAMP + 1101);
    assert.equal(second?.tombstonesRemoved, 1);
  });

  test('a changed delete.retention.ms makes the partition due', async () => {
    const { logs, log } = open();
    produce(log, 6);
    const schedule = new CompactionSchedule();
    await schedule.runIfDue(log, logs.requireTopic('t').config, NOW);
    assert.equal(schedule.isDue(log, logs.requireTopic('t').config, NOW), false);
    logs.alterTopic('t', { 'delete.retention.ms': '5' }, null);
    assert.equal(schedule.isDue(log, logs.requireTopic('t').config, NOW), true);
  });

  test('a pass that stopped early is tried again at the next check', async () => {
    const { logs, log } = open();
    produce(log, 12);
    const schedule = new CompactionSchedule();
    const config = logs.requireTopic('t').config;
    const stop = new AbortController();
    stop.abort();
    const stopped = await schedule.runIfDue(log, config, NOW, { signal: stop.signal, yieldEveryBytes: 100 });
    assert.equal(stopped?.complete, false);
    assert.equal(schedule.isDue(log, config, NOW), true);
  });
});
