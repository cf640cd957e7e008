// The shared append path (appendPartitions) and initProducerId over a real LogManager in a temp
// directory: duplicates answered with their original offsets and stored once, a batch refused
// after its sequence was checked holding back the producer's later batches, the producer state
// rebuilt from disk after a clean close (snapshot) and after a crash (batch headers), and
// producer ids unique across reopenings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendPartitions, type PartitionAppendResult } from '../../../src/broker/append-partitions.js';
import { DEFAULT_BROKER_CONFIG } from '../../../src/broker/broker-config.js';
import type { BrokerContext } from '../../../src/broker/broker-context.js';
import { GroupCoordinator } from '../../../src/broker/group-coordinator.js';
import { GroupDirectory } from '../../../src/broker/group-directory.js';
import { newListenerStats } from '../../../src/broker/listener-stats.js';
import { initProducerId } from '../../../src/broker/init-producer-id.js';
import { ParkedFetches } from '../../../src/broker/parked-fetches.js';
import { RetentionHolds } from '../../../src/broker/retention-holds.js';
import { TopicStats } from '../../../src/broker/topic-stats.js';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { SpoolError } from '../../../src/common/errors.js';
import { createLogger } from '../../../src/common/logger.js';
import { MemoryPacer } from '../../../src/common/memory-pacer.js';
import { GroupStore } from '../../../src/storage/group-store.js';
import type { LogManager } from '../../../src/storage/log-manager.js';
import { PRODUCER_ID_BLOCK } from '../../../src/storage/producer-ids.js';
import { PassThrough } from 'node:stream';
import { BufferPool } from '../../../src/common/buffer-pool.js';
import { idempotentBatch } from '../../helpers/idempotent-batches.js';
import { makeBatch, range, readAll, useStorageFixture, valuesOf, type StorageFixture } from '../../helpers/storage-fixtures.js';

const PID = 7;

function contextFor(logs: LogManager): BrokerContext {
  const groupDirectory = new GroupDirectory(new GroupStore(logs.db));
  return {
    config: { ...DEFAULT_BROKER_CONFIG, dataDir: logs.dataDir, socketPath: join(logs.dataDir, 'spool.sock'), kafka: null, metrics: null },
    logs,
    parked: new ParkedFetches(),
    groups: new GroupCoordinator(groupDirectory, { topics: () => [] }),
    groupDirectory,
    stats: new TopicStats(),
    retentionHolds: new RetentionHolds(new GroupStore(logs.db)),
    listeners: newListenerStats(),
    logger: createLogger(new PassThrough()),
    startedMs: Date.now(),
    memory: new MemoryPacer(),
    buffers: new BufferPool({ maxFree: 2 }),
    requestShutdown: () => {},
    kafkaAddress: null,
    metrics: null,
    metricsUrl: null,
  };
}

function produce(ctx: BrokerContext, records: Buffer, partition = 0, topic = 't'): PartitionAppendResult {
  return appendPartitions(ctx, topic, [{ partition, records }], { durable: false })[0]!;
}

function open(fixture: StorageFixture, configs: Record<string, string> = {}): { ctx: BrokerContext; logs: LogManager } {
  const { logs } = fixture.open();
  if (logs.topic('t') === undefined) logs.createTopic('t', 1, configs);
  return { ctx: contextFor(logs), logs };
}

/** Batches of `count` records for PID, epoch 0, sequences running on from 0. */
function batches(counts: readonly number[], options: { valueBytes?: number } = {}): Buffer[] {
  let seq = 0;
  return counts.map((count) => {
    const batch = idempotentBatch(PID, 0, seq, count, options);
    seq += count;
    return batch;
  });
}

describe('broker > appendPartitions > idempotence', () => {
  const fixture = useStorageFixture();

  test('a batch sent again is acknowledged with its first offset and not stored twice', () => {
    const { ctx, logs } = open(fixture);
    const sent = batches([3, 4, 5]);
    assert.deepEqual(sent.map((b) => produce(ctx, Buffer.from(b)).baseOffset), [0, 3, 7]);
    for (const [i, base] of [[0, 0], [1, 3], [2, 7]] as const) {
      const again = produce(ctx, Buffer.from(sent[i]!));
      assert.deepEqual(again, { partition: 0, errorCode: ErrorCode.None, errorMessage: null, baseOffset: base, logStartOffset: 0 });
    }
    const log = logs.partition('t', 0);
    assert.equal(log.nextOffset, 12);
    assert.deepEqual(valuesOf(readAll(log)), range(12).map((i) => `v${i}`));
  });

  test('a gap and an old epoch are refused with Kafka\'s errors and change nothing', () => {
    const { ctx, logs } = open(fixture);
    produce(ctx, idempotentBatch(PID, 2, 0, 5));
    const gap = produce(ctx, idempotentBatch(PID, 2, 6, 5));
    assert.equal(gap.errorCode, ErrorCode.OutOfOrderSequenceNumber);
    assert.equal(gap.baseOffset, -1);
    assert.equal(produce(ctx, idempotentBatch(PID, 1, 5, 5)).errorCode, ErrorCode.InvalidProducerEpoch);
    assert.equal(produce(ctx, idempotentBatch(PID, 2, 5, 5)).errorCode, ErrorCode.None);
    assert.equal(logs.partition('t', 0).nextOffset, 10);
  });

  test('after a batch refused as too large, the producer\'s later batches wait for it', () => {
    const { ctx, logs } = open(fixture, { 'max.message.bytes': '400' });
    const [small, large, after] = [idempotentBatch(PID, 0, 0, 2), idempotentBatch(PID, 0, 2, 3, { valueBytes: 200 }), idempotentBatch(PID, 0, 5, 1)];
    assert.equal(produce(ctx, small).errorCode, ErrorCode.None);
    assert.equal(produce(ctx, Buffer.from(large)).errorCode, ErrorCode.MessageTooLarge);
    const refused = produce(ctx, Buffer.from(after));
    assert.equal(refused.errorCode, ErrorCode.OutOfOrderSequenceNumber);
    assert.match(refused.errorMessage ?? '', /sent sequence 5, expected 2/);
    logs.alterTopic('t', { 'max.message.bytes': '' }, null);
    assert.deepEqual([produce(ctx, large).baseOffset, produce(ctx, after).baseOffset], [2, 5]);
    assert.deepEqual(valuesOf(readAll(logs.partition('t', 0))), range(6).map((i) => `v${i}`));
  });

  test('a corrupt batch of a producer the partition never saw holds back its later batches too', () => {
    const { ctx } = open(fixture);
    const first = idempotentBatch(PID, 0, 100, 2);
    const corrupt = Buffer.from(first);
    corrupt[corrupt.length - 1]! ^= 0xff;
    assert.equal(produce(ctx, corrupt).errorCode, ErrorCode.CorruptMessage);
    assert.equal(produce(ctx, idempotentBatch(PID, 0, 102, 2)).errorCode, ErrorCode.OutOfOrderSequenceNumber);
    assert.equal(produce(ctx, first).baseOffset, 0);
  });

  test('an idempotent batch travels alone; plain batches skip every check', () => {
    const { ctx, logs } = open(fixture);
    const two = Buffer.concat([idempotentBatch(PID, 0, 0, 1), idempotentBatch(PID, 0, 1, 1)]);
    const refused = produce(ctx, two);
    assert.equal(refused.errorCode, ErrorCode.InvalidRecord);
    assert.match(refused.errorMessage ?? '', /one record batch per partition, not 2/);
    const plain = makeBatch(2);
    assert.equal(produce(ctx, Buffer.from(plain)).baseOffset, 0);
    assert.equal(produce(ctx, Buffer.from(plain)).baseOffset, 2, 'a plain batch sent twice is stored twice');
    assert.equal(logs.partition('t', 0).producerStateManager.loaded, false, 'plain batches never load the producer state');
    const negativeSequence = idempotentBatch(PID, 0, 0, 1).fill(0xff, 53, 57); // baseSequence -1
    assert.equal(produce(ctx, negativeSequence).errorCode, ErrorCode.InvalidRecord);
  });

  test('results per partition: one partition\'s refusal leaves the others stored', () => {
    const { logs } = fixture.open();
    logs.createTopic('m', 2, {});
    const ctx = contextFor(logs);
    const results = appendPartitions(
      ctx,
      'm',
      [
        { partition: 0, records: idempotentBatch(PID, 0, 5, 1) },
        { partition: 1, records: idempotentBatch(PID, 0, 0, 1) },
        { partition: 2, records: idempotentBatch(PID, 0, 0, 1) },
      ],
      { durable: true },
    );
    assert.deepEqual(results.map((r) => r.errorCode), [ErrorCode.None, ErrorCode.None, ErrorCode.UnknownTopicOrPartition]);
    assert.equal(appendPartitions(ctx, 'nope', [{ partition: 0, records: makeBatch(1) }], { durable: false })[0]!.errorCode, ErrorCode.UnknownTopicOrPartition);
  });
});

describe('broker > appendPartitions > producer state after a restart', () => {
  const fixture = useStorageFixture();

  test('after a clean close the state comes back from the snapshot, and retries are still duplicates', () => {
    const { ctx, logs } = open(fixture);
    const sent = batches([2, 2, 2, 2, 2, 2, 2]);
    const bases = sent.map((b) => produce(ctx, Buffer.from(b)).baseOffset);
    fixture.close(logs);
    assert.ok(readdirSync(fixture.partitionDir()).includes('00000000000000000014.snapshot'));
    const reopened = open(fixture);
    for (let i = 2; i < 7; i++) assert.equal(produce(reopened.ctx, Buffer.from(sent[i]!)).baseOffset, bases[i]);
    assert.deepEqual(reopened.logs.partition('t', 0).producerStateManager.lastLoad, { snapshotOffset: 14, segmentsRead: 0, batchesRead: 0 });
    assert.equal(produce(reopened.ctx, Buffer.from(sent[1]!)).errorCode, ErrorCode.OutOfOrderSequenceNumber, 'older than the last five');
    assert.equal(produce(reopened.ctx, idempotentBatch(PID, 0, 14, 1)).baseOffset, 14);
    assert.equal(reopened.logs.partition('t', 0).nextOffset, 15);
  });

  test('after a crash (no close, no snapshot) the state is rebuilt from the batch headers', () => {
    const { ctx } = open(fixture);
    produce(ctx, makeBatch(3));
    const sent = batches([2, 3, 4]);
    for (const b of sent) produce(ctx, Buffer.from(b));
    produce(ctx, makeBatch(1));
    // A second manager on the same files, the first never closed: what a restart after kill -9 sees.
    const crashed = fixture.open().logs;
    const ctx2 = contextFor(crashed);
    assert.deepEqual([0, 1, 2].map((i) => produce(ctx2, Buffer.from(sent[i]!)).baseOffset), [3, 5, 8]);
    assert.deepEqual(crashed.partition('t', 0).producerStateManager.lastLoad, { snapshotOffset: null, segmentsRead: 1, batchesRead: 5 });
    assert.equal(produce(ctx2, idempotentBatch(PID, 0, 10, 1)).errorCode, ErrorCode.OutOfOrderSequenceNumber);
    assert.equal(produce(ctx2, idempotentBatch(PID, 0, 9, 1)).baseOffset, 13);
  });

  test('with rolls, a rebuild reads only the segments after the newest snapshot', () => {
    const { ctx, logs } = open(fixture, { 'segment.bytes': '1024' });
    const sent = batches(range(30).map(() => 2), { valueBytes: 120 });
    for (const b of sent) produce(ctx, Buffer.from(b));
    const log = logs.partition('t', 0);
    assert.ok(log.segmentCount >= 10, `${log.segmentCount} segments`);
    const snapshots = readdirSync(fixture.partitionDir()).filter((n) => n.endsWith('.snapshot'));
    assert.equal(snapshots.length, 2, 'the newest two are kept');
    const crashed = fixture.open().logs;
    const ctx2 = contextFor(crashed);
    assert.equal(produce(ctx2, Buffer.from(sent[29]!)).baseOffset, 58);
    const load = crashed.partition('t', 0).producerStateManager.lastLoad!;
    assert.equal(load.snapshotOffset, log.segments().at(-1)!.baseOffset);
    assert.equal(load.segmentsRead, 1);
  });

  test('a snapshot past the log end (its tail cut by recovery) is deleted at open; a corrupt one is skipped', () => {
    const { ctx, logs } = open(fixture);
    for (const b of batches([2, 2])) produce(ctx, Buffer.from(b));
    fixture.close(logs);
    const dir = fixture.partitionDir();
    writeFileSync(join(dir, '00000000000000000099.snapshot'), 'not a snapshot');
    writeFileSync(join(dir, '00000000000000000004.snapshot'), 'torn');
    const reopened = open(fixture);
    assert.ok(!readdirSync(dir).includes('00000000000000000099.snapshot'));
    assert.equal(produce(reopened.ctx, idempotentBatch(PID, 0, 2, 2)).baseOffset, 2, 'the duplicate is known from the headers');
    assert.equal(reopened.logs.partition('t', 0).producerStateManager.lastLoad?.snapshotOffset, null);
  });

  test('segments last written more than a day ago are not read: their producers have expired', () => {
    const { ctx } = open(fixture);
    for (const b of batches([2, 2])) produce(ctx, Buffer.from(b));
    const crashed = fixture.open().logs;
    const old = (Date.now() - 25 * 60 * 60 * 1000) / 1000;
    for (const name of readdirSync(fixture.partitionDir())) utimesSync(join(fixture.partitionDir(), name), old, old);
    const ctx2 = contextFor(crashed);
    assert.equal(produce(ctx2, idempotentBatch(PID, 0, 50, 1)).baseOffset, 4, 'unknown again: accepted as Kafka does');
  });
});

describe('broker > initProducerId', () => {
  const fixture = useStorageFixture();

  test('new producers get ids never handed out before, also after a restart', () => {
    const { ctx, logs } = open(fixture);
    const first = [0, 1, 2].map(() => initProducerId(ctx, { producerId: -1, producerEpoch: -1 }));
    assert.deepEqual(first, [0, 1, 2].map((id) => ({ producerId: id, producerEpoch: 0 })));
    fixture.close(logs);
    const again = open(fixture);
    assert.deepEqual(initProducerId(again.ctx, { producerId: -1, producerEpoch: -1 }), { producerId: PRODUCER_ID_BLOCK, producerEpoch: 0 });
  });

  test('a known producer bumps its epoch; an exhausted epoch or an id never issued gets a new id', () => {
    const { ctx } = open(fixture);
    const { producerId } = initProducerId(ctx, { producerId: -1, producerEpoch: -1 });
    assert.deepEqual(initProducerId(ctx, { producerId, producerEpoch: 0 }), { producerId, producerEpoch: 1 });
    assert.deepEqual(initProducerId(ctx, { producerId, producerEpoch: 32765 }), { producerId, producerEpoch: 32766 });
    assert.deepEqual(initProducerId(ctx, { producerId, producerEpoch: 32766 }), { producerId: producerId + 1, producerEpoch: 0 });
    assert.deepEqual(initProducerId(ctx, { producerId: 123456, producerEpoch: 3 }), { producerId: producerId + 2, producerEpoch: 0 });
  });

  test('an id without an epoch (or the other way round) is an invalid request', () => {
    const { ctx } = open(fixture);
    for (const request of [{ producerId: 0, producerEpoch: -1 }, { producerId: -1, producerEpoch: 0 }, { producerId: 0, producerEpoch: 40000 }]) {
      assert.throws(() => initProducerId(ctx, request), (err: unknown) => err instanceof SpoolError && err.code === ErrorCode.InvalidRequest);
    }
  });
});

