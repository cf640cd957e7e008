import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
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

/** A stdout that takes `accepted` writes, then fails every later one as a closed pipe does. */
function closingStdout(accepted: number): { stdout: Writable; taken: Buffer[] } {
  const taken: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (taken.length >= accepted) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        return;
      }
      taken.push(chunk);
      callback();
    },
  });
  return { stdout, taken };
}

describe('cli > RecordWriter > offsets written', () => {
  const big = (i: number) => record(`${i}:${'v'.repeat(70_000)}`);
  const data = (records: Buffer, partition = 0): FetchedPartition => ({ topic: 't', partition, fetchOffset: 0, stopOffset: undefined, highWatermark: 0, records });

  for (const valueOnly of [true, false]) {
    test(`a pipe closed midway: only the records of chunks it took count (valueOnly ${valueOnly})`, async () => {
      const { stdout, taken } = closingStdout(3);
      const reported: string[] = [];
      const format = compileRecordFormat(valueOnly ? 'value' : '%o:%s\\n');
      const writer = new RecordWriter(stdout, { format, valueOnly, filter: null, count: null, untilTimestamp: null, onWritten: (t, p, o) => reported.push(`${t}/${p}@${o}`) });
      await writer.writePartition(data(batches([[0, 1, 2, 3, 4, 5].map(big)])));
      await writer.finish();
      assert.equal(writer.closed, true);
      assert.equal(taken.length, 3, 'one record a chunk: each is over the chunk size');
      assert.deepEqual(reported, ['t/0@1', 't/0@2', 't/0@3']);
    });
  }

  test('small records go out in chunks of whole records; progress past filtered records is reported after them', async () => {
    const { stdout, taken } = closingStdout(Infinity);
    const reported: Array<{ offset: number; linesTaken: number }> = [];
    const linesIn = (chunks: Buffer[]) => chunks.reduce((n, c) => n + c.toString().split('\n').length - 1, 0);
    const many = Array.from({ length: 2000 }, (_, i) => record(`${i}`.padStart(99, '0')));
    const writer = new RecordWriter(stdout, {
      format: compileRecordFormat('value'),
      valueOnly: true,
      filter: compileRecordFilter({ grep: '^0' }),
      count: null,
      untilTimestamp: null,
      onWritten: (_t, _p, offset) => reported.push({ offset, linesTaken: linesIn(taken) }),
    });
    await writer.writePartition(data(batches([many.slice(0, 1000), many.slice(1000), [record('skipped-1'), record('skipped-2')]])));
    await writer.finish();
    assert.ok(taken.length > 2, `several chunks, not one write: ${taken.length}`);
    for (const chunk of taken) assert.equal(chunk[chunk.length - 1], 0x0a, 'a chunk ends at the end of a record');
    assert.equal(linesIn(taken), 2000);
    // Each offset is reported once the records below it are taken, and not before.
    for (const { offset, linesTaken } of reported.slice(0, -1)) assert.equal(linesTaken, offset);
    assert.deepEqual(reported[reported.length - 1], { offset: 2002, linesTaken: 2000 }, 'the filtered records at the end count as consumed');
  });

  test('offsets of several partitions are reported per partition, in the order written', async () => {
    const stdout = new PassThrough();
    stdout.resume();
    const reported: string[] = [];
    const writer = new RecordWriter(stdout, { format: compileRecordFormat('%p %s\\n'), filter: null, count: null, untilTimestamp: null, onWritten: (_t, p, o) => reported.push(`${p}@${o}`) });
    await writer.writePartition(data(batches([[record('a'), record('b')]]), 0));
    await writer.writePartition(data(batches([[record('c')]]), 1));
    await writer.finish();
    assert.deepEqual(reported, ['0@2', '1@1']);
  });

  for (const valueOnly of [true, false]) {
    test(`with whole writes (a file), reported output goes out in one write, not in pipe-sized chunks (valueOnly ${valueOnly})`, async () => {
      const many = Array.from({ length: 2000 }, (_, i) => record(`${i}`.padStart(99, '0')));
      const writes = async (wholeWrites: boolean) => {
        const { stdout, taken } = closingStdout(Infinity);
        const reported: number[] = [];
        const writer = new RecordWriter(stdout, { format: compileRecordFormat('value'), valueOnly, filter: null, count: null, untilTimestamp: null, onWritten: (_t, _p, o) => reported.push(o), wholeWrites });
        await writer.writePartition(data(batches([many.slice(0, 1000), many.slice(1000)])));
        await writer.finish();
        assert.equal(Buffer.concat(taken).toString(), many.map((r) => `${r.value!.toString()}\n`).join(''));
        assert.equal(reported[reported.length - 1], 2000, 'every record reported once taken');
        return taken.length;
      };
      assert.equal(await writes(true), 1, '200 KB in one write');
      assert.ok((await writes(false)) >= 3, 'a pipe gets 64 KiB chunks (the check can fail)');
    });
  }
});
