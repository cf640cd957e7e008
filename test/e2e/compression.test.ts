// e2e: every Kafka codec through the real CLI and a real broker (SPEC §8 Compression). What
// `spool produce -z CODEC` sends comes back byte for byte from `spool consume`, the segment holds
// batches of that codec, `spool dump --records` shows their records, a compacted topic of such
// batches compacts and stays readable with its codec, and a compressed section that does not
// decompress (its CRC right) is reported in one clear line instead of crashing anything.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ATTRIBUTES_OFFSET, COMPRESSION_MASK, RECORDS_OFFSET, batchSizeAt, sealBatch } from '../../src/records/record-batch.js';
import { waitForProcessGone } from '../helpers/spool-broker.js';
import { assertExit, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const COMPACTED_CODECS = ['snappy', 'lz4', 'zstd'] as const;
const DEADLINE_MS = 30_000;

/** Lines as a producer would send: text, UTF-8, bytes that are not UTF-8, empty ones, long ones. */
function input(): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < 3000; i++) {
    if (i % 500 === 7) parts.push(Buffer.from('\n'));
    else if (i % 300 === 11) parts.push(Buffer.from([0xff, 0xfe, 0x00, 0x80, i & 0xff, 0x0a]));
    else if (i % 1000 === 13) parts.push(Buffer.from(`${'long line '.repeat(20_000)}${i}\n`));
    else parts.push(Buffer.from(`2026-11-24T21:56:${String(i % 60).padStart(2, '0')}Z INFO worker-${i % 8} request ${i} took ${(i * 37) % 900} ms — ünïcödé\n`));
  }
  return Buffer.concat(parts);
}

interface DumpJsonBatch {
  type: 'batch';
  baseOffset: number;
  compression: string;
  count: number;
  crcValid: boolean;
}

/** A value no codec shrinks much (base64 of a hash-like sequence). */
function randomish(seed: number, bytes: number): string {
  const raw = Buffer.alloc(bytes);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    raw[i] = x & 0xff;
  }
  return raw.toString('base64').slice(0, bytes);
}

describe('e2e > compression', () => {
  let sandbox: SpoolSandbox;
  const sent = input();

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true, brokerArgs: ['--retention-check-ms', '200'] });
  });
  after(async () => {
    await sandbox.cleanup();
  });

  async function dumpBatches(topic: string): Promise<DumpJsonBatch[]> {
    const dump = await sandbox.run(['dump', `${topic}:0`, '--json']);
    assertExit(dump, 0, `dump ${topic}`);
    return stdoutLines(dump)
      .map((line) => JSON.parse(line) as DumpJsonBatch)
      .filter((entry) => entry.type === 'batch');
  }

  for (const codec of CODECS) {
    test(`produce -z ${codec} then consume gives the input back byte for byte, and dump --records reads it`, async () => {
      const topic = `c-${codec}`;
      assertExit(await sandbox.run(['topic', 'create', topic, '-p', '1']), 0, 'topic create');
      // Two runs, so that there are at least two batches whatever the input's timing makes of it.
      const half = sent.indexOf(0x0a, sent.length >> 1) + 1;
      for (const part of [sent.subarray(0, half), sent.subarray(half)]) {
        assertExit(await sandbox.run(['produce', topic, '-z', codec, '--quiet'], { input: part }), 0, `produce -z ${codec}`);
      }
      const consumed = await sandbox.run(['consume', topic, '-e']);
      assertExit(consumed, 0, 'consume');
      assert.ok(consumed.stdout.equals(sent), `consume gives back the ${sent.length} bytes sent (got ${consumed.stdout.length})`);

      const batches = await dumpBatches(topic);
      assert.ok(batches.length >= 2, 'several batches');
      assert.deepEqual([...new Set(batches.map((b) => b.compression))], [codec]);
      assert.ok(batches.every((b) => b.crcValid));
      assert.equal(batches.reduce((sum, b) => sum + b.count, 0), 3000);

      const records = await sandbox.run(['dump', `${topic}:0`, '--records']);
      assertExit(records, 0, 'dump --records');
      assert.equal(records.stderr, '', 'no record is unreadable');
      const recordLines = stdoutLines(records).filter((line) => line.startsWith('| offset: '));
      assert.equal(recordLines.length, 3000);
      assert.match(recordLines[1]!, /^\| offset: 1 .* payload: 2026-11-24T21:56:01Z INFO worker-1 request 1 took 37 ms — ünïcödé$/);
      assert.match(stdoutLines(records).find((line) => line.startsWith('baseOffset: '))!, new RegExp(`compresscodec: ${codec} `));
    });
  }

  test('-z takes only the codecs Kafka defines, in one clear line', async () => {
    const line = assertOneErrorLine(await sandbox.run(['produce', 'c-none', '-z', 'brotli'], { input: 'x\n' }), 2, 'produce -z brotli');
    assert.match(line, /brotli/);
    assert.match(line, /none, gzip, snappy, lz4, zstd/);
  });

  for (const codec of COMPACTED_CODECS) {
    test(`a compacted topic of ${codec} batches compacts, keeps the latest value per key, and stays ${codec}`, async () => {
      const topic = `compacted-${codec}`;
      const keys = 8;
      const rounds = 4;
      assertExit(
        await sandbox.run(['topic', 'create', topic, '-p', '1', '--config', 'cleanup.policy=compact', '--config', 'segment.bytes=1024', '--config', 'delete.retention.ms=600000']),
        0,
        'topic create',
      );
      // Each round is one batch larger than segment.bytes even compressed, so each rolls a segment.
      // The last round writes half the keys: the round before it keeps the other half, so its
      // batch is rewritten with some records dropped, not dropped whole.
      const value = (round: number, key: number): string => `r${round}-${randomish(round * keys + key, 200)}`;
      for (let round = 0; round < rounds; round++) {
        const lastKey = round === rounds - 1 ? keys / 2 : keys;
        let lines = '';
        for (let key = 0; key < lastKey; key++) lines += `k${key}:${value(round, key)}\n`;
        assertExit(await sandbox.run(['produce', topic, '-K', ':', '-z', codec, '--quiet'], { input: lines }), 0, 'produce');
      }
      const expected = Array.from({ length: keys }, (_, key) => {
        const round = key < keys / 2 ? rounds - 1 : rounds - 2;
        return `k${key} ${value(round, key)}`;
      }).sort();
      const deadline = Date.now() + DEADLINE_MS;
      for (;;) {
        const consumed = await sandbox.run(['consume', topic, '-e', '-f', '%k %s\\n']);
        assertExit(consumed, 0, 'consume');
        const lines = stdoutLines(consumed);
        if (lines.length === keys) {
          assert.deepEqual([...lines].sort(), expected);
          break;
        }
        assert.ok(Date.now() < deadline, `compaction did not leave one record per key; consumed ${lines.length}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const batches = await dumpBatches(topic);
      assert.deepEqual([...new Set(batches.map((b) => b.compression))], [codec], 'every batch is still compressed with its codec');
      const rewritten = batches.find((b) => b.baseOffset === (rounds - 2) * keys);
      assert.equal(rewritten?.count, keys / 2, 'the round before the last is rewritten with the half of its records still latest');
    });
  }

  test('a zstd section that does not decompress (CRC right) is one clear line from consume and dump, and the broker stays up', async () => {
    const topic = 'broken-zstd';
    assertExit(await sandbox.run(['topic', 'create', topic, '-p', '1']), 0, 'topic create');
    assertExit(await sandbox.run(['produce', topic, '-z', 'zstd', '--quiet'], { input: 'one\ntwo\nthree\n' }), 0, 'produce');
    assertExit(await sandbox.run(['broker', 'stop']), 0, 'broker stop');
    await waitForProcessGone(sandbox.broker!.pid);
    sandbox.broker = null;
    const dir = join(sandbox.dataDir, 'topics', topic, '0');
    const file = join(dir, readdirSync(dir).find((name) => name.endsWith('.log'))!);
    const segment = readFileSync(file);
    assert.equal(segment.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_MASK, 4);
    // Damage the frame's first block header, then seal the CRC over the damage as a client would.
    segment[RECORDS_OFFSET + 6] = segment[RECORDS_OFFSET + 6]! ^ 0x06;
    sealBatch(segment, 0, batchSizeAt(segment, 0));
    writeFileSync(file, segment);
    await sandbox.startBroker(['--retention-check-ms', '200']);

    const consumed = await sandbox.run(['consume', topic, '-e']);
    assert.notEqual(consumed.code, 0);
    const line = assertOneErrorLine(consumed, consumed.code ?? -1, 'consume');
    assert.match(line, /^spool: zstd records section is malformed: /);

    const dump = await sandbox.run(['dump', `${topic}:0`, '--records']);
    assertExit(dump, 0, 'dump --records');
    assert.match(dump.stderr, /^spool: .*batch at offset 0: records cannot be decoded after 0 of 3: zstd records section is malformed: .*\n$/);
    assertExit(await sandbox.run(['broker', 'status']), 0, 'broker status');
  });
});
