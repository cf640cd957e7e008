// Log compaction on real files: a pass keeps exactly the latest record per key in the closed
// segments with its original offset, removes keys superseded in the active segment too, keeps
// tombstones until delete.retention.ms has passed, leaves unkeyed records, control batches and
// the active segment alone, and writes index rows a reader (and a reopen) can trust.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { ATTRIBUTES_OFFSET, CONTROL_MASK, Compression, batchDefect, readBatchHeader, sealBatch } from '../../../src/records/record-batch.js';
import type { ConsumerRecord } from '../../../src/records/record.js';
import { compactPartition } from '../../../src/storage/log-compactor.js';
import type { LogManager } from '../../../src/storage/log-manager.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import type { TopicConfig } from '../../../src/common/topic-config.js';
import {
  BASE_TIMESTAMP,
  batchesIn,
  batchesInFile,
  indexSnapshot,
  offsetsOf,
  readAll,
  useStorageFixture,
} from '../../helpers/storage-fixtures.js';
import { withoutMerging } from '../../helpers/compaction-fixtures.js';

const COMPACTED = { 'cleanup.policy': 'compact', 'segment.bytes': '1024', 'delete.retention.ms': '1000' };
/** The clock the passes run at unless a test moves it: every record is younger than a second. */
const NOW = BASE_TIMESTAMP + 500;

interface Write {
  key: string | null;
  /** null: a tombstone. */
  value: string | null;
  timestamp?: number;
}

/** Append `writes` in batches of `perBatch` records; returns the offset of every write. */
function produce(log: PartitionLog, writes: readonly Write[], perBatch = 3, compression: Compression = Compression.None): number[] {
  const offsets: number[] = [];
  for (let i = 0; i < writes.length; i += perBatch) {
    const slice = writes.slice(i, i + perBatch);
    const batch = encodeRecordBatch(
      slice.map((w) => ({
        key: w.key === null ? null : Buffer.from(w.key),
        value: w.value === null ? null : Buffer.from(w.value),
        headers: [],
        timestamp: w.timestamp ?? BASE_TIMESTAMP,
      })),
      compression,
    );
    const { baseOffset } = log.append(batch);
    slice.forEach((_, j) => offsets.push(baseOffset + j));
  }
  return offsets;
}

/** `rounds` values for each of `keys` keys, interleaved: k0=r0 k1=r0 ... k0=r1 ... */
function rounds(keys: number, count: number, pad = 40): Write[] {
  const writes: Write[] = [];
  for (let r = 0; r < count; r++) for (let k = 0; k < keys; k++) writes.push({ key: `k${k}`, value: `r${r}-`.padEnd(pad, '.') });
  return writes;
}

/** What a compacted log must hold: the last write of each key (unkeyed writes all stay). */
function latestOf(writes: readonly Write[], offsets: readonly number[]): Map<string, { offset: number; value: string | null }> {
  const latest = new Map<string, { offset: number; value: string | null }>();
  writes.forEach((w, i) => {
    if (w.key !== null) latest.set(w.key, { offset: offsets[i]!, value: w.value });
  });
  return latest;
}

function describeRecords(records: readonly ConsumerRecord[]): string[] {
  return records.map((r) => `${r.offset} ${r.key?.toString() ?? '<none>'} ${r.value?.toString() ?? '<null>'}`);
}

function expectedLines(latest: Map<string, { offset: number; value: string | null }>): string[] {
  return [...latest.entries()]
    .sort((a, b) => a[1].offset - b[1].offset)
    .map(([key, { offset, value }]) => `${offset} ${key} ${value ?? '<null>'}`);
}

describe('storage > log compaction', () => {
  const fixture = useStorageFixture();
  const configs = new WeakMap<PartitionLog, TopicConfig>();

  function openTopic(overrides: Record<string, string> = COMPACTED): { logs: LogManager; log: PartitionLog } {
    const opened = fixture.openTopic('t', overrides);
    configs.set(opened.log, opened.logs.requireTopic('t').config);
    return opened;
  }

  function configOf(log: PartitionLog): TopicConfig {
    return configs.get(log)!;
  }

  test('keeps exactly the latest value per key with its original offset', async () => {
    const { log } = openTopic();
    const writes = rounds(7, 12);
    const offsets = produce(log, writes);
    log.roll();
    const before = log.sizeBytes;
    const report = await compactPartition(log, configOf(log), NOW);
    assert.deepEqual(describeRecords(readAll(log)), expectedLines(latestOf(writes, offsets)));
    assert.equal(report.complete, true);
    assert.ok(report.segmentsRewritten > 0);
    assert.equal(report.recordsRemoved, 7 * 11);
    assert.equal(report.keys, 7);
    assert.equal(report.bytesBefore, before);
    assert.equal(log.sizeBytes, report.bytesAfter);
    assert.ok(report.bytesAfter < before / 4, `${report.bytesAfter} of ${before} bytes left`);
    assert.equal(log.nextOffset, offsets.length, 'the log end offset does not move');
  });

  test('a key written again in the active segment vanishes from the closed ones', async () => {
    const { log } = openTopic();
    const writes = rounds(5, 8);
    produce(log, writes);
    const activeBase = log.segments().at(-1)!.baseOffset;
    const again = produce(log, [{ key: 'k2', value: 'fresh' }]);
    assert.ok(again[0]! >= activeBase, 'the new value is in the active segment');
    await compactPartition(log, configOf(log), NOW);
    const k2 = readAll(log).filter((r) => r.key?.toString() === 'k2');
    assert.deepEqual(describeRecords(k2.filter((r) => r.offset < activeBase)), [], 'no k2 left in closed segments');
    assert.equal(k2.at(-1)!.value!.toString(), 'fresh');
  });

  test('the active segment is never rewritten', async () => {
    const { log } = openTopic({ ...COMPACTED, 'segment.bytes': '1048576' });
    const writes = rounds(3, 10);
    const offsets = produce(log, writes);
    const report = await compactPartition(log, configOf(log), NOW);
    assert.equal(report.segmentsRewritten, 0);
    assert.deepEqual(offsetsOf(readAll(log)), offsets);
  });

  test('offsets inside a batch survive and a read from a removed offset starts at the next record kept', async () => {
    const { log } = openTopic();
    const writes: Write[] = [
      { key: 'a', value: 'a0' },
      { key: 'b', value: 'b0' },
      { key: 'c', value: 'c0' },
      { key: 'd', value: 'd0' },
      { key: 'b', value: 'b1' },
      { key: 'a', value: 'a1' },
    ];
    produce(log, writes, 4);
    log.roll();
    await compactPartition(log, configOf(log), NOW);
    assert.deepEqual(describeRecords(readAll(log)), ['2 c c0', '3 d d0', '4 b b1', '5 a a1']);
    const [first] = batchesInFile(fixture.segmentPaths()[0]!);
    assert.equal(first!.baseOffset, 0, 'the batch keeps its base offset');
    assert.equal(first!.lastOffset, 3, 'and its offset span');
    assert.deepEqual(offsetsOf(readAll(log, 1)), [2, 3, 4, 5]);
    assert.deepEqual(offsetsOf(readAll(log, 0)), [2, 3, 4, 5]);
  });

  test('rewritten batches are valid RecordBatch v2 with the original timestamps and header fields', async () => {
    const { log } = openTopic();
    const writes = rounds(4, 6).map((w, i) => ({ ...w, timestamp: BASE_TIMESTAMP + i * 10 }));
    produce(log, writes, 5);
    log.roll();
    const originals = new Map<number, ReturnType<typeof readBatchHeader>>();
    for (const path of fixture.segmentPaths()) {
      const file = readWhole(path);
      for (const b of batchesInFile(path)) originals.set(b.baseOffset, readBatchHeader(file, b.position));
    }
    await compactPartition(log, configOf(log), NOW);
    for (const path of fixture.segmentPaths()) {
      const file = readWhole(path);
      for (const b of batchesInFile(path)) {
        assert.equal(batchDefect(file, b.position, b.sizeBytes), null);
        const header = readBatchHeader(file, b.position);
        const original = originals.get(b.baseOffset)!;
        assert.equal(header.lastOffsetDelta, original.lastOffsetDelta);
        assert.equal(header.baseTimestamp, original.baseTimestamp);
        assert.equal(header.maxTimestamp, original.maxTimestamp);
        assert.equal(header.producerId, original.producerId);
      }
    }
    const kept = readAll(log);
    for (const r of kept) assert.equal(r.timestamp, BASE_TIMESTAMP + r.offset * 10, `timestamp of ${r.offset}`);
    for (const t of [0, 55, 105, 199, 230]) {
      const expected = kept.find((r) => r.timestamp >= BASE_TIMESTAMP + t)?.offset ?? null;
      assert.equal(log.offsetForTimestamp(BASE_TIMESTAMP + t), expected, `first record at or after +${t} ms`);
    }
  });

  test('gzip batches are compacted and stay gzip', async () => {
    const { log } = openTopic();
    const writes = rounds(3, 20, 60);
    const offsets = produce(log, writes, 6, Compression.Gzip);
    log.roll();
    await compactPartition(log, configOf(log), NOW);
    assert.deepEqual(describeRecords(readAll(log)), expectedLines(latestOf(writes, offsets)));
    for (const path of fixture.segmentPaths()) {
      const file = readWhole(path);
      for (const b of batchesInFile(path)) assert.equal(readBatchHeader(file, b.position).attributes & 0x07, Compression.Gzip);
    }
  });

  test('a tombstone removes the older values at once and itself only after delete.retention.ms', async () => {
    const { log } = openTopic();
    const writes: Write[] = [...rounds(4, 5), { key: 'k1', value: null, timestamp: BASE_TIMESTAMP + 100 }, ...rounds(4, 1).filter((w) => w.key !== 'k1')];
    const offsets = produce(log, writes);
    log.roll();
    const tombstoneOffset = offsets[20]!;
    const first = await compactPartition(log, configOf(log), BASE_TIMESTAMP + 1100);
    const k1 = readAll(log).filter((r) => r.key?.toString() === 'k1');
    assert.deepEqual(describeRecords(k1), [`${tombstoneOffset} k1 <null>`], 'only the tombstone is left of k1');
    assert.equal(first.tombstoneDueMs, BASE_TIMESTAMP + 100 + 1000 + 1);
    const second = await compactPartition(log, configOf(log), BASE_TIMESTAMP + 1101);
    assert.equal(second.tombstonesRemoved, 1);
    assert.equal(second.tombstoneDueMs, null);
    assert.deepEqual(readAll(log).filter((r) => r.key?.toString() === 'k1'), []);
    const latest = latestOf(writes, offsets);
    latest.delete('k1');
    assert.deepEqual(describeRecords(readAll(log)), expectedLines(latest));
  });

  test('records without a key are kept as they are', async () => {
    const { log } = openTopic();
    const writes: Write[] = [...rounds(2, 3), { key: null, value: 'loose-1' }, ...rounds(2, 3), { key: null, value: 'loose-2' }];
    const offsets = produce(log, writes);
    log.roll();
    await compactPartition(log, configOf(log), NOW);
    const unkeyed = readAll(log).filter((r) => r.key === null);
    assert.deepEqual(describeRecords(unkeyed), [`${offsets[6]} <none> loose-1`, `${offsets[13]} <none> loose-2`]);
  });

  test('control batches are kept as they are', async () => {
    const { log } = openTopic();
    produce(log, rounds(2, 3));
    const control = encodeRecordBatch([{ key: Buffer.from('k0'), value: Buffer.from('marker'), headers: [], timestamp: BASE_TIMESTAMP }]);
    control.writeInt16BE(control.readInt16BE(ATTRIBUTES_OFFSET) | CONTROL_MASK, ATTRIBUTES_OFFSET);
    sealBatch(control, 0, control.length);
    const { baseOffset } = log.append(control);
    produce(log, rounds(2, 3));
    log.roll();
    await compactPartition(log, configOf(log), NOW);
    const controlRecords = readAll(log).filter((r) => r.offset === baseOffset);
    assert.deepEqual(describeRecords(controlRecords), [`${baseOffset} k0 marker`], 'not superseded by the later k0');
  });

  test('a batch spool cannot decode is kept, and while one exists no tombstone is dropped', async () => {
    const { log } = openTopic();
    const writes: Write[] = [{ key: 'k', value: 'old' }, { key: 'other', value: 'x' }];
    produce(log, writes, 2);
    const zstd = encodeRecordBatch([{ key: Buffer.from('z'), value: Buffer.from('zz'), headers: [], timestamp: BASE_TIMESTAMP }]);
    zstd.writeInt16BE(Compression.Zstd, ATTRIBUTES_OFFSET);
    sealBatch(zstd, 0, zstd.length);
    const { baseOffset: zstdOffset } = log.append(zstd);
    const [tombstoneOffset] = produce(log, [{ key: 'k', value: null }, { key: 'other', value: 'y' }], 2);
    log.roll();
    const report = await compactPartition(log, configOf(log), BASE_TIMESTAMP + 10 * 86_400_000);
    assert.equal(report.tombstonesRemoved, 0);
    assert.equal(report.tombstoneDueMs, null);
    const segments = fixture.segmentPaths().map(readWhole);
    const kept = segments.flatMap((file) => batchesIn(file)).map((b) => b.baseOffset);
    assert.ok(kept.includes(zstdOffset), 'the zstd batch is still there');
    assert.ok(!kept.includes(0), 'the superseded values before it are gone');
    const decodable = readAll(log, tombstoneOffset);
    assert.deepEqual(describeRecords(decodable), [`${tombstoneOffset} k <null>`, `${tombstoneOffset! + 1} other y`]);
  });

  test('keys longer than 64 bytes are told apart (compared by SHA-256)', async () => {
    const { log } = openTopic();
    const long = (i: number) => 'x'.repeat(100) + i;
    const writes: Write[] = [];
    for (let r = 0; r < 4; r++) for (let k = 0; k < 3; k++) writes.push({ key: long(k), value: `r${r}` });
    writes.push({ key: 'x'.repeat(100), value: 'prefix-only' });
    const offsets = produce(log, writes);
    log.roll();
    await compactPartition(log, configOf(log), NOW);
    assert.deepEqual(describeRecords(readAll(log)), expectedLines(latestOf(writes, offsets)));
  });

  test('a batch whose every record is superseded is dropped; segments left empty are deleted, all but the first', async () => {
    const { logs, log } = openTopic();
    const writes = rounds(2, 30);
    const offsets = produce(log, writes, 2);
    log.roll();
    const segmentsBefore = log.segments().length;
    const report = await compactPartition(log, withoutMerging(configOf(log)), NOW);
    assert.ok(report.segmentsDropped > 0, 'some segments were left empty');
    assert.equal(log.segments().length, segmentsBefore - report.segmentsDropped);
    const sizes = fixture.segmentPaths().map((p) => readWhole(p).length);
    assert.equal(sizes.length, log.segments().length, 'their files are gone');
    assert.ok(sizes.slice(1, -1).every((s) => s > 0), `only the first and the active segment may be empty: ${sizes.join(',')}`);
    const expected = expectedLines(latestOf(writes, offsets));
    assert.deepEqual(describeRecords(readAll(log)), expected);
    assert.equal(log.logStartOffset, 0, 'the log start does not move');
    assert.equal(log.firstTimestamp(), BASE_TIMESTAMP);
    // Reads from offsets inside a deleted segment's range go on at the next record kept, and a
    // reopen sees the same log without rescanning anything.
    for (const offset of [0, 10, 30, 50]) {
      assert.deepEqual(describeRecords(readAll(log, offset)), expected.filter((l) => Number(l.split(' ')[0]) >= offset));
    }
    const reopened = fixture.reopen(logs);
    assert.equal(reopened.log.recovery.rebuiltSegments, 0);
    assert.equal(reopened.log.segments().length, log.segments().length);
    assert.deepEqual(describeRecords(readAll(reopened.log)), expected);
  });

  test('index rows are written as an append would, and a reopen trusts them', async () => {
    const { logs, log } = openTopic({ ...COMPACTED, 'segment.bytes': '65536' });
    const writes = rounds(50, 30, 200);
    const offsets = produce(log, writes, 4);
    log.roll();
    await compactPartition(log, configOf(log), NOW);
    const written = indexSnapshot(logs.db, log.partitionId);
    const reopened = fixture.reopen(logs);
    assert.equal(reopened.log.recovery.rebuiltSegments, 0, 'rows and sizes agree: no rescan');
    const expected = expectedLines(latestOf(writes, offsets));
    assert.deepEqual(describeRecords(readAll(reopened.log)), expected);
    // Throw the rows away: the rescan must build the same offset rows.
    fixture.close(reopened.logs);
    fixture.editIndexDb((db) => db.prepare('DELETE FROM offset_index').run());
    const rebuilt = fixture.reopen(null);
    assert.deepEqual(indexSnapshot(rebuilt.logs.db, rebuilt.log.partitionId).offsetRows, written.offsetRows);
    assert.deepEqual(describeRecords(readAll(rebuilt.log)), expected);
    for (const offset of [1, 500, 1000, 1400]) {
      assert.deepEqual(offsetsOf(readAll(rebuilt.log, offset)), offsets.filter((o) => o >= offset && expected.some((l) => l.startsWith(`${o} `))));
    }
  });

  test('a second pass over a compacted log changes nothing', async () => {
    const { log } = openTopic();
    produce(log, rounds(6, 10));
    log.roll();
    await compactPartition(log, configOf(log), NOW);
    const files = fixture.segmentPaths().map(readWhole);
    const again = await compactPartition(log, configOf(log), NOW);
    assert.equal(again.segmentsRewritten, 0);
    assert.deepEqual(fixture.segmentPaths().map(readWhole), files);
  });

  test('appends while a pass runs are kept and later passes see them', async () => {
    const { log } = openTopic();
    const writes = rounds(5, 20);
    const offsets = produce(log, writes);
    const pass = compactPartition(log, configOf(log), NOW, { yieldEveryBytes: 512 });
    const late: Write[] = [];
    for (let i = 0; i < 30; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      late.push({ key: `k${i % 7}`, value: `late${i}` });
      offsets.push(...produce(log, late.slice(-1)));
    }
    const report = await pass;
    assert.equal(report.complete, true);
    log.roll();
    await compactPartition(log, configOf(log), NOW);
    assert.deepEqual(describeRecords(readAll(log)), expectedLines(latestOf([...writes, ...late], offsets)));
  });

  /** Wait `turns` turns of the event loop (a pass with a tiny yieldEveryBytes takes one slice per turn). */
  async function turns(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Every key's last record is its latest write: what must hold whenever a pass stops. */
  function assertLatestReadable(log: PartitionLog, latest: Map<string, { offset: number; value: string | null }>): void {
    const last = new Map<string, string>();
    const read = readAll(log);
    read.forEach((r, i) => {
      if (i > 0) assert.ok(r.offset > read[i - 1]!.offset, 'offsets only grow');
      last.set(r.key!.toString(), `${r.offset} ${r.value?.toString() ?? '<null>'}`);
    });
    for (const [key, { offset, value }] of latest) assert.equal(last.get(key), `${offset} ${value ?? '<null>'}`, `latest of ${key}`);
  }

  test('a pass stopped at any point leaves every latest value readable and no copy behind', async () => {
    const { log } = openTopic();
    const writes = rounds(5, 40);
    const offsets = produce(log, writes);
    log.roll();
    const latest = latestOf(writes, offsets);
    let sawCopy = false;
    let completed = false;
    for (let wait = 0; !completed; wait += 3) {
      assert.ok(wait < 10_000, 'the pass ends');
      const stop = new AbortController();
      const pass = compactPartition(log, configOf(log), NOW, { yieldEveryBytes: 200, signal: stop.signal });
      await turns(wait);
      sawCopy ||= leftoverCopies(fixture.partitionDir()).length > 0;
      stop.abort();
      completed = (await pass).complete;
      assert.deepEqual(leftoverCopies(fixture.partitionDir()), []);
      assertLatestReadable(log, latest);
    }
    assert.ok(sawCopy, 'some stop came while a copy was being written');
    assert.deepEqual(describeRecords(readAll(log)), expectedLines(latest));
    assert.deepEqual(await namesLeftAfterSettling(fixture.partitionDir()), [], 'the replaced originals are deleted');
  });

  test('a pass stops when the partition is no longer the live one', async () => {
    const { log } = openTopic();
    produce(log, rounds(5, 20));
    log.roll();
    const before = fixture.segmentPaths().map(readWhole);
    let live = true;
    const pass = compactPartition(log, configOf(log), NOW, { yieldEveryBytes: 256, isCurrent: () => live });
    live = false;
    assert.equal((await pass).complete, false);
    assert.deepEqual(fixture.segmentPaths().map(readWhole), before);
    assert.deepEqual(leftoverCopies(fixture.partitionDir()), []);
  });

  test('segments deleted by retention during a pass are skipped', async () => {
    for (let wait = 0; wait < 60; wait += 4) {
      const { logs, log } = openTopic();
      const writes = rounds(5, 20);
      const offsets = produce(log, writes);
      log.roll();
      const pass = compactPartition(log, configOf(log), NOW, { yieldEveryBytes: 256 });
      const cut = log.segments()[4]!.baseOffset;
      await turns(wait);
      log.advanceLogStart(cut);
      const report = await pass;
      assert.equal(report.complete, true);
      assert.deepEqual(leftoverCopies(fixture.partitionDir()), []);
      const latest = latestOf(writes, offsets);
      for (const [key, entry] of latest) if (entry.offset < cut) latest.delete(key);
      await compactPartition(log, configOf(log), NOW);
      assert.deepEqual(describeRecords(readAll(log)), expectedLines(latest), `retention after ${wait} turns`);
      logs.deleteTopic('t');
    }
  });

  test('with the key map bounded, what the pass removes is still only superseded records', async () => {
    const { log } = openTopic();
    const writes = [...rounds(4, 10), ...rounds(12, 3)];
    const offsets = produce(log, writes);
    log.roll();
    const report = await compactPartition(log, configOf(log), NOW, { maxKeys: 6 });
    assert.equal(report.keys, 6);
    assert.ok(report.cleanableEndOffset < log.nextOffset);
    const latest = latestOf(writes, offsets);
    const read = readAll(log);
    for (const [key, { offset, value }] of latest) {
      const last = read.filter((r) => r.key?.toString() === key).at(-1);
      assert.equal(`${last?.offset} ${last?.value?.toString()}`, `${offset} ${value}`, `latest of ${key}`);
    }
  });
});

function readWhole(path: string): Buffer {
  return readFileSync(path);
}

/**
 * Compacted copies in `dir`. Not counted: `<base>.replaced.log.cleaned`, the second name an
 * original keeps while it is swapped out, which is deleted off the event loop just after.
 */
function leftoverCopies(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.log.cleaned') && !name.endsWith('.replaced.log.cleaned'));
}

/** Every name ending in .log.cleaned, once the deletions started by the pass have had time to end. */
async function namesLeftAfterSettling(dir: string): Promise<string[]> {
  for (let waitedMs = 0; ; waitedMs += 10) {
    const left = readdirSync(dir).filter((name) => name.endsWith('.log.cleaned'));
    if (left.length === 0 || waitedMs >= 5000) return left;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
