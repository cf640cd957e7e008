// e2e: `spool verify` and `spool dump` (SPEC §3 verify and dump) on data a real broker wrote:
// with the broker stopped they read index.db and the segment files without changing or creating
// anything; verify is clean on a healthy log and lists a flipped byte with topic, partition,
// offset and position (exit 1); dump prints kafka-dump-log lines or JSON and stops at a torn
// batch (exit 1). While a broker runs under a producer that rolls segments all the time, verify
// finds no problem.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertExit, assertOneErrorLine, runSpool, stdoutLines } from '../helpers/spool-cli.js';
import { waitForProcessGone } from '../helpers/spool-broker.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';
import { batchesInFile, fileSize, flipByte } from '../helpers/storage-fixtures.js';

const SUMMARY = /^checked (\d+) topics, (\d+) partitions, (\d+) segments, (\d+) batches, (\d+) records: (\d+) problems$/;
const BATCH_LINE =
  /^baseOffset: (\d+) lastOffset: (\d+) count: (\d+) baseSequence: -?\d+ lastSequence: -?\d+ producerId: -?\d+ producerEpoch: -?\d+ partitionLeaderEpoch: -?\d+ isTransactional: (true|false) isControl: (true|false) position: (\d+) firstTimestamp: \d+ CreateTime: \d+ size: (\d+) magic: 2 compresscodec: (\w+) crc: \d+ isvalid: (true|false)( problem: .*)?$/;
const RECORD_LINE = /^\| offset: (\d+) CreateTime: \d+ keySize: (-?\d+) valueSize: (-?\d+) sequence: -?\d+ headerKeys: \[(.*)\]( key: (.*?))?( payload: (.*))?$/;

interface VerifyJson {
  ok: boolean;
  topics: number;
  partitions: number;
  segments: number;
  batches: number;
  records: number;
  problems: Array<{ topic: string; partition: number; segment: string | null; position: number | null; offset: number | null; problem: string }>;
}

function summary(lines: string[]): number[] {
  const match = SUMMARY.exec(lines.at(-1) ?? '');
  assert.ok(match !== null, `the last line is the summary: ${lines.at(-1)}`);
  return match.slice(1).map(Number);
}

describe('e2e > verify and dump with the broker stopped', () => {
  let sandbox: SpoolSandbox;
  let segments: string[];

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    assertExit(await sandbox.run(['topic', 'create', 'v', '-p', '2', '--config', 'segment.bytes=1024']), 0);
    // Ten runs of 20 lines: ten small batches per partition, over several 1 KiB segments.
    for (let run = 0; run < 10; run++) {
      const lines = Array.from({ length: 20 }, (_, i) => `key-${(run * 20 + i) % 7}:value ${run * 20 + i}`).join('\n') + '\n';
      assertExit(await sandbox.run(['produce', 'v', '-K', ':', '-H', 'h1=x', '--quiet'], { input: lines }), 0);
    }
    assertExit(await sandbox.run(['produce', 'big', '--quiet'], { input: Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') }), 0);
    assertExit(await sandbox.run(['produce', 'repeated', '-H', 'a=1', '-H', 'b=2', '-H', 'a=3', '--quiet'], { input: 'v\n' }), 0);
    assertExit(await sandbox.run(['broker', 'stop']), 0);
    await waitForProcessGone(sandbox.broker!.pid);
    const dir = join(sandbox.dataDir, 'topics', 'v', '0');
    segments = readdirSync(dir).filter((name) => name.endsWith('.log')).sort().map((name) => join(dir, name));
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('verify is clean on a healthy log, counts what it read and leaves no file behind', async () => {
    const before = readdirSync(sandbox.dataDir).sort();
    const result = await sandbox.run(['verify']);
    assertExit(result, 0, 'verify');
    const lines = stdoutLines(result);
    assert.equal(lines.length, 1, 'no problem lines');
    const [topics, partitions, segmentCount, batches, records, problems] = summary(lines);
    assert.deepEqual([topics, partitions, records, problems], [3, 4, 5201, 0]);
    assert.ok(segmentCount! >= segments.length + 2);
    assert.ok(batches! >= 2);
    assert.equal(result.stderr, '');
    assert.deepEqual(readdirSync(sandbox.dataDir).sort(), before);
    assert.ok(!existsSync(join(sandbox.dataDir, 'index.db-wal')), 'no WAL file was created');

    const json = await sandbox.run(['verify', 'v', '--json']);
    assertExit(json, 0, 'verify --json');
    const report = JSON.parse(json.stdout.toString('utf8')) as VerifyJson;
    assert.equal(report.ok, true);
    assert.deepEqual([report.topics, report.partitions, report.records, report.problems], [1, 2, 200, []]);
  });

  test('dump TOPIC:P prints every batch of the partition and, with --records, every record', async () => {
    assert.ok(segments.length > 1, 'partition 0 has several segments');
    const result = await sandbox.run(['dump', 'v:0', '--records']);
    assertExit(result, 0, 'dump v:0 --records');
    const lines = stdoutLines(result);
    assert.deepEqual(lines.filter((l) => l.startsWith('Dumping ')), segments.map((s) => `Dumping ${s}`));
    const batchLines = lines.filter((l) => l.startsWith('baseOffset: '));
    const recordLines = lines.filter((l) => l.startsWith('| '));
    assert.equal(lines.length, segments.length + batchLines.length + recordLines.length, 'nothing else is printed');
    let next = 0;
    for (const line of batchLines) {
      const match = BATCH_LINE.exec(line);
      assert.ok(match !== null, `batch line: ${line}`);
      assert.equal(Number(match[1]), next, 'batches follow on');
      assert.equal(match[8], 'none');
      assert.equal(match[9], 'true', 'CRC valid');
      next = Number(match[2]) + 1;
    }
    assert.equal(recordLines.length, next, 'one line per record');
    recordLines.forEach((line, i) => {
      const match = RECORD_LINE.exec(line);
      assert.ok(match !== null, `record line: ${line}`);
      assert.equal(Number(match[1]), i);
      assert.equal(match[4], 'h1');
      assert.match(match[6] ?? '', /^key-\d$/);
      assert.match(match[8] ?? '', /^value \d+$/);
    });
  });

  test('dump FILE --json --records prints a batch object, then its records', async () => {
    const file = segments[0]!;
    const result = await sandbox.run(['dump', file, '--json', '--records']);
    assertExit(result, 0);
    const objects = stdoutLines(result).map((l) => JSON.parse(l) as Record<string, unknown>);
    const onDisk = batchesInFile(file);
    const batches = objects.filter((o) => o.type === 'batch');
    assert.deepEqual(
      batches.map((b) => [b.file, b.position, b.baseOffset, b.lastOffset, b.size, b.crcValid, b.compression]),
      onDisk.map((b) => [file, b.position, b.baseOffset, b.lastOffset, b.sizeBytes, true, 'none']),
    );
    for (const key of ['count', 'firstTimestamp', 'maxTimestamp', 'crc', 'producerId', 'producerEpoch', 'baseSequence', 'isTransactional', 'isControl']) {
      assert.ok(key in batches[0]!, `batch objects have ${key}`);
    }
    const first = objects[1]!;
    assert.equal(first.type, 'record');
    assert.equal(first.offset, 0);
    assert.equal(typeof first.timestamp, 'number');
    assert.equal(typeof first.key, 'string');
    assert.match(first.value as string, /^value \d+$/);
    assert.deepEqual(first.headers, { h1: 'x' });
  });

  test('dump --json --records writes the values of a repeated header key as one array, as the envelope does', async () => {
    const result = await sandbox.run(['dump', 'repeated', '--json', '--records']);
    assertExit(result, 0);
    const record = stdoutLines(result)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((o) => o.type === 'record');
    assert.deepEqual(record?.headers, { a: ['1', '3'], b: '2' });
  });

  test('a closed pipe ends dump quietly', async () => {
    const result = await sandbox.shell('set -o pipefail\nspool dump big --records | head -3');
    assertExit(result, 0, 'dump | head');
    assert.equal(result.stderr, '');
    assert.equal(stdoutLines(result).length, 3);
  });

  test('verify lists a flipped byte with topic, partition, offset and position and exits 1; dump shows it invalid', async () => {
    const file = segments[1]!;
    const batch = batchesInFile(file)[0]!;
    flipByte(file, batch.position + batch.sizeBytes - 4);
    const result = await sandbox.run(['verify']);
    assertExit(result, 1, 'verify');
    const lines = stdoutLines(result);
    assert.deepEqual(lines.slice(0, -1), [
      `v/0 offset ${batch.baseOffset} at ${file}:${batch.position}: ${lines[0]!.slice(lines[0]!.indexOf(': CRC') + 2)}`,
    ]);
    assert.match(lines[0]!, /: CRC-32C mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/);
    assert.equal(summary(lines)[5], 1);
    const quiet = await sandbox.run(['verify', '--quiet']);
    assertExit(quiet, 1, 'verify --quiet');
    assert.deepEqual(stdoutLines(quiet), lines.slice(0, -1), 'only the problem lines');

    const json = await sandbox.run(['verify', '--json']);
    assertExit(json, 1, 'verify --json');
    const report = JSON.parse(json.stdout.toString('utf8')) as VerifyJson;
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map(({ problem: _problem, ...where }) => where),
      [{ topic: 'v', partition: 0, segment: file, position: batch.position, offset: batch.baseOffset }],
    );

    const dump = await sandbox.run(['dump', file]);
    assertExit(dump, 0, 'dump of a segment with a bad CRC');
    const first = stdoutLines(dump)[1]!;
    assert.match(first, /isvalid: false problem: CRC-32C mismatch/);
    flipByte(file, batch.position + batch.sizeBytes - 4);
    assertExit(await sandbox.run(['verify', 'v']), 0, 'verify after the byte is put back');
  });

  test('dump stops at a batch that runs past the end of the file: one line on stderr, exit 1', async () => {
    const file = segments.at(-1)!;
    const batches = batchesInFile(file);
    const last = batches.at(-1)!;
    truncateSync(file, fileSize(file) - 3);
    const dump = await sandbox.run(['dump', file]);
    const error = assertOneErrorLine(dump, 1, 'dump of a torn segment');
    assert.equal(error, `spool: ${file}:${last.position}: batch of ${last.sizeBytes} bytes runs past the end of the file (${last.sizeBytes - 3} bytes left); dump stops here`);
    assert.equal(stdoutLines(dump).filter((l) => l.startsWith('baseOffset: ')).length, batches.length - 1, 'the batches before the torn one');
    const verify = await sandbox.run(['verify', 'v']);
    assertExit(verify, 1);
    assert.match(stdoutLines(verify)[0]!, new RegExp(`^v/0 offset ${last.baseOffset} at ${file}:${last.position}: batch of \\d+ bytes runs past the end of the file`));
  });

  test('a topic that does not exist, a bad topic name, a data dir without spool data', async () => {
    assert.equal(assertOneErrorLine(await sandbox.run(['verify', 'nope']), 1), 'spool: topic "nope" does not exist');
    assert.equal(assertOneErrorLine(await sandbox.run(['dump', 'nope:0']), 1), 'spool: topic "nope" does not exist');
    assertOneErrorLine(await sandbox.run(['dump', 'v:7']), 1);
    assertOneErrorLine(await sandbox.run(['verify', 'bad name!']), 2);
    assertOneErrorLine(await sandbox.run(['dump', 'v:x']), 2);
    const empty = join(sandbox.dir, 'nothing-here');
    assert.equal(assertOneErrorLine(await runSpool(['verify', '--data-dir', empty]), 1), `spool: no spool data in ${empty}`);
    assert.equal(assertOneErrorLine(await runSpool(['dump', 'v', '--data-dir', empty]), 1), `spool: no spool data in ${empty}`);
    assert.ok(!existsSync(empty), 'the data dir was not created');
    assertOneErrorLine(await sandbox.run(['dump', join(sandbox.dir, 'missing.log')]), 1);
  });
});

describe('e2e > verify while the broker runs under a producer', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('finds no problem however often segments roll under it, and sees the log grow', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'live', '-p', '2', '--config', 'segment.bytes=1024']), 0);
    const producer = sandbox.spawn(['produce', 'live', '-K', ':', '--linger-ms', '1', '--quiet']);
    let writing = true;
    let written = 0;
    const feeding = (async () => {
      while (writing) {
        const lines = Array.from({ length: 20 }, (_, i) => `k${(written + i) % 5}:value ${written + i}`).join('\n') + '\n';
        written += 20;
        await producer.write(lines);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      producer.end();
    })();
    try {
      const seen: number[] = [];
      for (let run = 0; run < 8; run++) {
        const result = await sandbox.run(['verify']);
        assertExit(result, 0, `verify run ${run}: ${result.stdout.toString()}`);
        const [, , , , records, problems] = summary(stdoutLines(result));
        assert.equal(problems, 0);
        seen.push(records!);
        const dump = await sandbox.run(['dump', 'live', '--records']);
        assertExit(dump, 0, `dump run ${run}`);
        assert.equal(dump.stderr, '');
      }
      assert.ok(seen.at(-1)! > seen[0]!, `the log grew while verify ran: ${seen.join(', ')}`);
    } finally {
      writing = false;
      await feeding;
      assertExit(await producer.finish(), 0, 'produce');
    }
    const final = await sandbox.run(['verify', 'live', '--json']);
    assertExit(final, 0);
    const report = JSON.parse(final.stdout.toString('utf8')) as VerifyJson;
    assert.deepEqual([report.ok, report.records], [true, written]);
  });
});
