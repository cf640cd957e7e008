import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendAll, indexSnapshot, makeBatches, offsetsOf, range, readAll, useStorageFixture } from '../../helpers/storage-fixtures.js';

describe('storage > OffsetIndex > buffered rows', () => {
  const fixture = useStorageFixture();

  test('rows wait in memory until flushed, and every lookup sees them', () => {
    const { logs } = fixture.open({ bufferIndexRows: true });
    logs.createTopic('t', 1, {});
    const log = logs.partition('t', 0);
    appendAll(log, makeBatches(range(20).map(() => 5), { valueBytes: 300 }));
    const partitionId = logs.topic('t')!.partitionRows[0]!.id;
    const direct = logs.db.prepare('SELECT count(*) AS n FROM offset_index WHERE partition_id = ?').get(partitionId) as { n: number };
    assert.equal(direct.n, 0, 'nothing written yet');
    // A read from the middle goes through a floor lookup, which writes the waiting rows first.
    assert.deepEqual(offsetsOf(readAll(log, 50)), range(50, 50));
    assert.ok(indexSnapshot(logs.db, partitionId).offsetRows.length > 1);
    assert.equal(log.offsetForTimestamp(log.maxTimestamp), 99);
  });

  test('rows lost with an unclosed manager are rebuilt at the next open', () => {
    const first = fixture.open({ bufferIndexRows: true }).logs;
    first.createTopic('t', 1, {});
    appendAll(first.partition('t', 0), makeBatches(range(30).map(() => 4), { valueBytes: 400 }));
    // No close(): the process "dies" with its waiting rows.
    const { logs } = fixture.open({ bufferIndexRows: true });
    const log = logs.partition('t', 0);
    assert.equal(log.nextOffset, 120);
    assert.deepEqual(offsetsOf(readAll(log, 0)), range(120));
    assert.deepEqual(offsetsOf(readAll(log, 77)), range(43, 77));
  });

  test('close() writes the waiting rows', () => {
    const { logs } = fixture.open({ bufferIndexRows: true });
    logs.createTopic('t', 1, {});
    appendAll(logs.partition('t', 0), makeBatches(range(10).map(() => 4), { valueBytes: 400 }));
    const partitionId = logs.topic('t')!.partitionRows[0]!.id;
    fixture.close(logs);
    const rows = fixture.editIndexDb((db) => indexSnapshot(db, partitionId).offsetRows.length);
    assert.ok(rows > 1, `${rows} rows after close`);
  });
});
