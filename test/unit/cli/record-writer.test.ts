import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { FetchedPartition } from '../../../src/client/consumer.js';
import { RecordWriter, type RecordWriterOptions } from '../../../src/cli/consume/record-writer.js';
import { compileRecordFilter } from '../../../src/cli/format/record-filter.js';
import { compileRecordFormat } from '../../../src/cli/format/record-format.js';
import { encodeRecordBatch } from '../../../src/records/encode-batch.js';
import { Compression, stampBaseOffset } from '../../../src/records/record-batch.js';
import type { ProducerRecord } from '../../../src/records/record.js';

function batches(groups: ProducerRecord[][], compression: Compression = Compression.None): Buffer {
  let base = 0;
  return Buffer.concat(
    groups.map((records) => {
      const batch = encodeRecordBatch(records, compression);
      stampBaseOffset(batch, 0, base);
      base += records.length;
      return batch;
    }),
  );
}

function record(value: string | null, key: string | null = null): ProducerRecord {
  return { key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers: [], timestamp: 1000 };
}

async function written(records: Buffer, options: Partial<RecordWriterOptions>, data: Partial<FetchedPartition> = {}) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const writer = new RecordWriter(stdout, { format: compileRecordFormat('value'), filter: null, count: null, untilTimestamp: null, ...options });
  const progress = await writer.writePartition({ topic: 't', partition: 0, fetchOffset: 0, stopOffset: undefined, highWatermark: 0, records, ...data });
  await writer.finish();
  return { text: Buffer.concat(chunks).toString(), progress, count: writer.written };
}

const GROUPS = [
  [record('alpha'), record(''), record(null), record('x'.repeat(300), 'k')],
  [record('delta'), record('echo'), record('foxtrot')],
];

describe('cli > RecordWriter > values packed in place', () => {
  test('writes what the copying path writes', async () => {
    const packed = await written(batches(GROUPS), { valueOnly: true });
    const copied = await written(batches(GROUPS), { valueOnly: false });
    assert.equal(packed.text, copied.text);
    assert.equal(packed.text, `alpha\n\n\n${'x'.repeat(300)}\ndelta\necho\nfoxtrot\n`);
    assert.deepEqual(packed.progress, copied.progress);
  });

  test('skips records below the fetch offset and stops at the stop offset', async () => {
    const result = await written(batches(GROUPS), { valueOnly: true }, { fetchOffset: 2, stopOffset: 6 });
    assert.equal(result.text, `\n${'x'.repeat(300)}\ndelta\necho\n`);
    assert.deepEqual(result.progress, { nextOffset: 6, stoppedAt: 6 });
  });

  test('honours filters and -c', async () => {
    const filtered = await written(batches(GROUPS), { valueOnly: true, filter: compileRecordFilter({ grep: 'a' }) });
    assert.equal(filtered.text, 'alpha\ndelta\n');
    const counted = await written(batches(GROUPS), { valueOnly: true, count: 2 });
    assert.equal(counted.text, 'alpha\n\n');
    assert.equal(counted.count, 2);
  });

  test('the offsets it reports survive the packing (batch headers are written over)', async () => {
    const many = [0, 1, 2].map((b) => Array.from({ length: 50 }, (_, i) => record(`v${b}-${i}`)));
    const packed = await written(batches(many), { valueOnly: true });
    const copied = await written(batches(many), { valueOnly: false });
    assert.equal(packed.text, copied.text);
    assert.deepEqual(packed.progress, { nextOffset: 150, stoppedAt: null });
    assert.deepEqual(copied.progress, { nextOffset: 150, stoppedAt: null });
    const single = await written(batches([Array.from({ length: 30 }, (_, i) => record(`v${i}`))]), { valueOnly: true });
    assert.deepEqual(single.progress, { nextOffset: 30, stoppedAt: null });
  });

  test('compressed batches take the copying path and print the same', async () => {
    const result = await written(batches(GROUPS, Compression.Gzip), { valueOnly: true });
    assert.equal(result.text, `alpha\n\n\n${'x'.repeat(300)}\ndelta\necho\nfoxtrot\n`);
  });
});
