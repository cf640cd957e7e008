// e2e: LocalFetch (spool-protocol(7)) against a real broker over its real socket. A backlog of at
// least min_file_bytes in a segment is answered with where it lies in the segment file, and the
// consumer reads the file itself: everything arrives, in order, with almost nothing over the
// socket. A small backlog comes as bytes, as from Fetch. A segment file replaced under the broker
// (another inode) makes the consumer fall back to bytes over the socket, losing nothing. And the
// CLI reads a topic of several segments back byte for byte.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Connection } from '../../src/client/connection.js';
import { Consumer, MIN_FILE_RANGE_BYTES } from '../../src/client/consumer.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { decodeFetchResponse, encodeFetchRequest, type FetchRequest } from '../../src/protocol/messages/fetch.js';
import { decodeLocalFetchResponse, encodeLocalFetchRequest } from '../../src/protocol/messages/local-fetch.js';
import { RecordCursor } from '../../src/records/record-cursor.js';
import { batchSizeAt } from '../../src/records/record-batch.js';
import { assertExit } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const LINES = 20_000;
const lineOf = (i: number) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(180)}`;
const INPUT = Array.from({ length: LINES }, (_, i) => lineOf(i)).join('\n') + '\n';

describe('e2e > LocalFetch', () => {
  let sandbox: SpoolSandbox;
  let connection: Connection;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    for (const topic of ['lf', 'replaced']) assertExit(await sandbox.run(['produce', topic, '--quiet'], { input: INPUT }), 0);
    assertExit(await sandbox.run(['produce', 'small', '--quiet'], { input: 'one\ntwo\n' }), 0);
    connection = await Connection.connect(sandbox.socket);
  });

  after(async () => {
    connection.close();
    await sandbox.cleanup();
  });

  const fetchOf = (topic: string, fetchOffset: number, maxBytes = 1 << 20): FetchRequest => ({
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, maxBytes }] }],
  });

  async function localFetch(topic: string, fetchOffset: number, minFileBytes: number, maxBytes = 64 << 20) {
    const body = await connection.request(ApiKey.LocalFetch, encodeLocalFetchRequest({ fetch: fetchOf(topic, fetchOffset, maxBytes), minFileBytes }));
    return decodeLocalFetchResponse(body)[0]!.partitions[0]!;
  }

  /** Every record value of `consumer` read to the end of `topic`, and the bytes the socket carried meanwhile. */
  async function readThrough(topic: string, options: { fileRanges?: boolean } = {}): Promise<{ values: string[]; socketBytes: number }> {
    let socketBytes = 0;
    // Count what the socket carries: the connection's own request, wrapped for this read.
    const request = connection.request.bind(connection);
    connection.request = async (apiKey, body) => {
      const answer = await request(apiKey, body);
      socketBytes += answer.length;
      return answer;
    };
    try {
      const consumer = new Consumer(connection, { maxWaitMs: 100, maxBytes: 4 << 20, partitionMaxBytes: 1 << 20, ...options });
      consumer.assign({ topic, partition: 0, offset: 0, stopOffset: LINES });
      const values: string[] = [];
      const cursor = new RecordCursor();
      for await (const fetched of consumer.fetches()) {
        for (const data of fetched) {
          for (let pos = 0; pos < data.records.length; pos += batchSizeAt(data.records, pos)) {
            cursor.open(data.records, pos, batchSizeAt(data.records, pos));
            while (cursor.next()) if (cursor.offset >= data.fetchOffset && cursor.offset < LINES) values.push(cursor.value()!.toString());
          }
        }
      }
      return { values, socketBytes };
    } finally {
      delete (connection as { request?: unknown }).request;
    }
  }

  test('a backlog is answered with its place in the segment file; a small one with its bytes', async () => {
    const ranged = await localFetch('lf', 0, MIN_FILE_RANGE_BYTES);
    assert.equal(ranged.records.length, 0);
    const file = ranged.file!;
    assert.ok(file !== undefined, 'a file range');
    const partitionDir = join(sandbox.dataDir, 'topics', 'lf', '0');
    assert.equal(file.path, join(partitionDir, readdirSync(partitionDir).find((name) => name.endsWith('.log'))!));
    assert.equal(file.position, 0);
    assert.ok(file.end > INPUT.length / 2, `${file.end} bytes`);
    assert.equal(file.endOffset, LINES);
    assert.equal(ranged.highWatermark, LINES);

    const capped = (await localFetch('lf', 0, MIN_FILE_RANGE_BYTES, 1 << 20)).file!;
    assert.equal(capped.position, 0);
    assert.ok(capped.end <= 1 << 20 && capped.end >= MIN_FILE_RANGE_BYTES, `no more than the max bytes of the fetch: ${capped.end}`);
    assert.ok(capped.endOffset > 0 && capped.endOffset < LINES, `${capped.endOffset}`);
    const asBytes = await localFetch('lf', 0, file.end + 1);
    assert.equal(asBytes.file, undefined, 'more than the segment holds: bytes');
    assert.ok(asBytes.records.length > 0);
    const small = await localFetch('small', 0, MIN_FILE_RANGE_BYTES);
    assert.equal(small.file, undefined);
    assert.ok(small.records.length > 0);
    const plain = decodeFetchResponse(await connection.request(ApiKey.Fetch, encodeFetchRequest(fetchOf('lf', 0))))[0]!.partitions[0]!;
    assert.ok(plain.records.length > 0, 'Fetch answers with bytes as before');
  });

  test('a consumer reads a backlog from the file: every record in order, almost nothing over the socket', async () => {
    const { values, socketBytes } = await readThrough('lf');
    assert.equal(values.length, LINES);
    assert.deepEqual(values, Array.from({ length: LINES }, (_, i) => lineOf(i)));
    assert.ok(socketBytes < 64 * 1024, `${socketBytes} bytes over the socket`);
    const asked = await readThrough('lf', { fileRanges: false });
    assert.deepEqual(asked.values, values);
    assert.ok(asked.socketBytes > INPUT.length, `${asked.socketBytes} bytes over the socket without file ranges`);
  });

  test('a segment file replaced under the broker (another inode): the consumer falls back to bytes and loses nothing', async () => {
    const partitionDir = join(sandbox.dataDir, 'topics', 'replaced', '0');
    const segment = join(partitionDir, readdirSync(partitionDir).find((name) => name.endsWith('.log'))!);
    copyFileSync(segment, `${segment}.copy`);
    renameSync(`${segment}.copy`, segment);
    const { values, socketBytes } = await readThrough('replaced');
    assert.deepEqual(values, Array.from({ length: LINES }, (_, i) => lineOf(i)));
    assert.ok(socketBytes > INPUT.length, `${socketBytes} bytes over the socket`);
  });

  test('spool consume reads a topic of several segments back byte for byte', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'segmented', '--config', 'segment.bytes=1048576']), 0);
    assertExit(await sandbox.run(['produce', 'segmented', '--quiet'], { input: INPUT }), 0);
    const segments = readdirSync(join(sandbox.dataDir, 'topics', 'segmented', '0')).filter((name) => name.endsWith('.log'));
    assert.ok(segments.length >= 3, `${segments.length} segments`);
    const consumed = await sandbox.run(['consume', 'segmented', '-e']);
    assertExit(consumed, 0);
    assert.equal(consumed.stdout.toString(), INPUT);
    const fromMiddle = await sandbox.run(['consume', 'segmented', '--from', '12345', '-c', '3']);
    assertExit(fromMiddle, 0);
    assert.equal(fromMiddle.stdout.toString(), [12345, 12346, 12347].map((i) => `${lineOf(i)}\n`).join(''));
  });
});
