// e2e: `spool broker start --metrics` (SPEC §10): Prometheus scrapes /metrics while records go in
// and out through the Unix socket (spool produce and consume) and through the Kafka listener
// (kcat), and the numbers are those of what was sent: records and bytes per partition, offsets,
// size and segments, group offsets and lag, requests per listener and kind, connections; a
// deleted topic's or group's series go; the text passes `promtool check metrics`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { haveKcat, runKcat } from '../helpers/kafka-clients.js';
import { parseMetrics, samplesOf, valueOf, type Sample } from '../helpers/prometheus-text.js';
import { assertExit, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const PROMTOOL = '/usr/bin/promtool';
const DEADLINE_MS = 20_000;

interface PartitionJson {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  segments: number;
  bytes: number;
}

describe('e2e > metrics', () => {
  let sandbox: SpoolSandbox;
  let url: string;
  let bootstrap: string;

  before(async () => {
    sandbox = await SpoolSandbox.create();
    const broker = await sandbox.startBroker(['--metrics', '127.0.0.1:0', '--kafka', '127.0.0.1:0', '--retention-check-ms', '200']);
    assert.ok(broker.metrics !== null && broker.kafka !== null, 'broker start prints both addresses');
    url = broker.metrics;
    bootstrap = broker.kafka;
  });

  after(async () => {
    await sandbox?.cleanup();
  });

  async function scrapeText(): Promise<string> {
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  }

  async function scrape(): Promise<Sample[]> {
    return parseMetrics(await scrapeText());
  }

  async function waitForScrape(done: (samples: Sample[]) => boolean, what: string): Promise<Sample[]> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const samples = await scrape();
      if (done(samples)) return samples;
      assert.ok(Date.now() < deadline, `metrics never showed ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function partitionsOf(topic: string): Promise<PartitionJson[]> {
    const described = await sandbox.run(['topic', 'describe', topic, '--json']);
    assertExit(described, 0, 'topic describe');
    return (JSON.parse(described.stdout.toString()) as { partitions: PartitionJson[] }).partitions;
  }

  /** requests_total and the latency histogram's count agree for every series of a listener. */
  function assertRequestsCounted(samples: readonly Sample[], listener: string): void {
    const totals = samplesOf(samples, 'spool_requests_total', { listener });
    assert.ok(totals.length > 0, `no requests counted for ${listener}`);
    for (const total of totals) {
      assert.equal(valueOf(samples, 'spool_request_duration_seconds_count', total.labels), total.value, `histogram count of ${JSON.stringify(total.labels)}`);
      assert.equal(valueOf(samples, 'spool_request_duration_seconds_bucket', { ...total.labels, le: '+Inf' }), total.value);
    }
  }

  test('broker status shows the endpoint in text and JSON; other paths are 404', async () => {
    const json = await sandbox.run(['broker', 'status', '--json']);
    assertExit(json, 0, 'broker status --json');
    assert.equal((JSON.parse(json.stdout.toString()) as { metrics: string }).metrics, url);
    const text = await sandbox.run(['broker', 'status']);
    assert.match(text.stdout.toString(), new RegExp(`^  metrics   ${url.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.equal((await fetch(url.replace(/\/metrics$/, '/'))).status, 404);
    assert.equal((await fetch(url, { method: 'POST' })).status, 405);
  });

  test('through the socket: records and bytes in and out, offsets, size and segments per partition, and the group\'s offsets and lag', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'orders', '-p', '3']), 0);
    const lines = Array.from({ length: 300 }, (_, i) => `customer-${i % 7}:order ${i}`).join('\n') + '\n';
    assertExit(await sandbox.run(['produce', 'orders', '-K:'], { input: lines }), 0, 'produce');
    const consumed = await sandbox.run(['consume', 'orders', '-e', '-g', 'billing']);
    assertExit(consumed, 0, 'consume -g');
    assert.equal(stdoutLines(consumed).length, 300);

    const partitions = await partitionsOf('orders');
    const samples = await scrape();
    let recordsIn = 0;
    for (const p of partitions) {
      const labels = { topic: 'orders', partition: String(p.partition) };
      assert.equal(valueOf(samples, 'spool_records_in_total', labels), p.logEndOffset, `records in, partition ${p.partition}`);
      assert.equal(valueOf(samples, 'spool_bytes_in_total', labels), p.bytes, 'bytes in are the bytes stored');
      assert.equal(valueOf(samples, 'spool_records_out_total', labels), p.logEndOffset, 'every record was read once');
      assert.equal(valueOf(samples, 'spool_bytes_out_total', labels), p.bytes);
      assert.equal(valueOf(samples, 'spool_log_start_offset', labels), 0);
      assert.equal(valueOf(samples, 'spool_log_end_offset', labels), p.logEndOffset);
      assert.equal(valueOf(samples, 'spool_log_size_bytes', labels), p.bytes);
      assert.equal(valueOf(samples, 'spool_log_segments', labels), 1);
      assert.equal(valueOf(samples, 'spool_group_committed_offset', { group: 'billing', ...labels }), p.logEndOffset);
      assert.equal(valueOf(samples, 'spool_group_lag', { group: 'billing', ...labels }), 0);
      recordsIn += p.logEndOffset;
    }
    assert.equal(recordsIn, 300);
    assertRequestsCounted(samples, 'socket');
    for (const request of ['Produce', 'LocalFetch', 'JoinGroup', 'OffsetCommit', 'Metadata']) {
      assert.ok(valueOf(samples, 'spool_requests_total', { listener: 'socket', request }) >= 1, `${request} counted`);
    }

    assertExit(await sandbox.run(['produce', 'orders', '-p', '1'], { input: 'a\nb\nc\nd\ne\n' }), 0);
    const later = await scrape();
    const labels = { topic: 'orders', partition: '1' };
    assert.equal(valueOf(later, 'spool_group_lag', { group: 'billing', ...labels }), 5, 'five records not yet consumed');
    assert.equal(valueOf(later, 'spool_log_end_offset', labels), partitions[1]!.logEndOffset + 5);
    assert.equal(valueOf(later, 'spool_records_in_total', labels), partitions[1]!.logEndOffset + 5);
  });

  test('through the Kafka listener: kcat\'s records are counted, and its requests under listener="kafka"', { skip: haveKcat() ? false : 'kcat is not installed' }, async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n';
    assertExit(await runKcat(bootstrap, ['-P', '-t', 'from-kafka', '-K:'], { input: lines }), 0, 'kcat -P');
    const read = await runKcat(bootstrap, ['-C', '-t', 'from-kafka', '-e', '-q', '-f', '%k=%s\\n']);
    assertExit(read, 0, 'kcat -C');
    assert.equal(stdoutLines(read).length, 50);
    const [partition] = await partitionsOf('from-kafka');
    const samples = await scrape();
    const labels = { topic: 'from-kafka', partition: '0' };
    assert.equal(valueOf(samples, 'spool_records_in_total', labels), 50);
    assert.equal(valueOf(samples, 'spool_bytes_in_total', labels), partition!.bytes);
    assert.equal(valueOf(samples, 'spool_records_out_total', labels), 50);
    assert.equal(valueOf(samples, 'spool_bytes_out_total', labels), partition!.bytes);
    assertRequestsCounted(samples, 'kafka');
    for (const request of ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'ListOffsets']) {
      assert.ok(valueOf(samples, 'spool_requests_total', { listener: 'kafka', request }) >= 1, `Kafka ${request} counted`);
    }
    assert.ok(valueOf(samples, 'spool_connections_accepted_total', { listener: 'kafka' }) >= 2, 'two kcat runs, a connection each at least');
  });

  test('requests answered with an error are counted per kind', async () => {
    const before = valueOf(await scrape(), 'spool_request_errors_total', { listener: 'socket', request: 'DescribeTopics' });
    assertOneErrorLine(await sandbox.run(['topic', 'describe', 'no-such-topic']), 1, 'describe of a missing topic');
    const samples = await scrape();
    assert.equal(valueOf(samples, 'spool_request_errors_total', { listener: 'socket', request: 'DescribeTopics' }), before + 1);
  });

  test('a following consumer is an open socket connection until it ends', async () => {
    const follower = sandbox.spawn(['consume', 'orders']);
    await waitForScrape((s) => valueOf(s, 'spool_connections', { listener: 'socket' }) >= 1, 'the follower connected');
    follower.kill('SIGTERM');
    await follower.finish(DEADLINE_MS);
    await waitForScrape((s) => valueOf(s, 'spool_connections', { listener: 'socket' }) === 0, 'the follower gone');
  });

  test('fsync, cleaner and retention timings, and process metrics', async () => {
    assertExit(await sandbox.run(['topic', 'create', 'trimmed', '--config', 'segment.bytes=1024', '--config', 'retention.bytes=2048']), 0);
    for (let batch = 0; batch < 8; batch++) {
      const lines = Array.from({ length: 20 }, (_, i) => `record ${batch}-${i}`).join('\n') + '\n';
      assertExit(await sandbox.run(['produce', 'trimmed', '--quiet'], { input: lines }), 0);
    }
    const samples = await waitForScrape(
      (s) => valueOf(s, 'spool_log_start_offset', { topic: 'trimmed', partition: '0' }) > 0 && valueOf(s, 'spool_fsync_duration_seconds_count') > 0,
      'retention deleting a segment and an fsync',
    );
    assert.ok(valueOf(samples, 'spool_retention_deleted_segments_total') >= 1);
    assert.ok(valueOf(samples, 'spool_cleaner_pass_duration_seconds_count') >= 1);
    assert.ok(valueOf(samples, 'spool_cleaner_seconds_total', { task: 'retention' }) > 0);
    const [partition] = await partitionsOf('trimmed');
    const now = await scrape();
    assert.equal(valueOf(now, 'spool_log_segments', { topic: 'trimmed', partition: '0' }), partition!.segments);
    assert.equal(valueOf(now, 'spool_log_start_offset', { topic: 'trimmed', partition: '0' }), partition!.logStartOffset);
    assert.ok(valueOf(now, 'process_resident_memory_bytes') > 0);
    assert.ok(samplesOf(now, 'nodejs_eventloop_lag_seconds').length === 1);
    assert.equal(samplesOf(now, 'spool_build_info').length, 1);
  });

  test('a deleted topic\'s and a deleted group\'s series go', async () => {
    assertExit(await sandbox.run(['produce', 'scratch'], { input: 'x\ny\n' }), 0);
    assertExit(await sandbox.run(['consume', 'scratch', '-e', '-g', 'scratchers']), 0);
    assertExit(await sandbox.run(['consume', 'orders', '-e', '-g', 'auditors']), 0);
    const before = await scrape();
    assert.ok(samplesOf(before, 'spool_records_in_total', { topic: 'scratch' }).length === 1);
    assert.ok(samplesOf(before, 'spool_group_lag', { group: 'scratchers' }).length === 1);
    assert.ok(samplesOf(before, 'spool_group_lag', { group: 'auditors' }).length === 3);
    assertExit(await sandbox.run(['topic', 'delete', 'scratch']), 0);
    assertExit(await sandbox.run(['group', 'delete', 'auditors']), 0);
    const after = await scrape();
    assert.deepEqual(after.filter((s) => s.labels.topic === 'scratch'), [], 'nothing left of the deleted topic');
    assert.deepEqual(after.filter((s) => s.labels.group === 'auditors'), [], 'nothing left of the deleted group');
    assert.ok(samplesOf(after, 'spool_group_lag', { group: 'billing' }).length === 3, 'the other group stays');
  });

  test('the text passes promtool check metrics', { skip: existsSync(PROMTOOL) ? false : 'promtool is not installed (.ci/run installs the prometheus package)' }, async () => {
    const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: await scrapeText(), encoding: 'utf8', timeout: DEADLINE_MS });
    assert.equal(checked.status, 0, `promtool: ${checked.stdout}${checked.stderr}`);
    assert.equal(checked.stdout + checked.stderr, '');
  });

  test('a metrics port already in use stops the start with one clear line', async () => {
    const other = await SpoolSandbox.create();
    try {
      const port = new URL(url).port;
      const start = await other.run(['broker', 'start', '--metrics', `127.0.0.1:${port}`]);
      const line = assertOneErrorLine(start, 1, 'broker start on a used port');
      assert.match(line, new RegExp(`cannot listen for metrics on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      assertOneErrorLine(await other.run(['broker', 'start', '--metrics', 'nonsense:port']), 2, 'a bad address');
    } finally {
      await other.cleanup();
    }
  });
});
