// Compaction and the cleaner's cost to producers.
// benchCompaction: a ~1 GB compacted log (SPOOL_BENCH_COMPACT_MB, default 1024) of 10,000 distinct
// keys written straight through LogManager, then one compactPartition pass timed in-process: MB/s
// of log compacted. The log was just written, so it is read from the page cache.
// benchCleanerImpact: `spool produce` of 1,000,000 lines of 100 B (SPOOL_BENCH_IMPACT_LINES) as
// whole commands against a real broker with the cleaner checking every 1000 ms vs never
// (--retention-check-ms 2000000000), RUNS interleaved pairs on freshly started brokers, ratio of
// the medians: (a) into a topic held at ~1 GB by retention.bytes with 4 MiB segments, so the
// cleaner deletes segments while the producer writes; (b) into another topic while the cleaner
// compacts a ~1 GB compacted topic. Figures only; nothing is asserted.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecordBatch } from '../../src/records/encode-batch.js';
import type { ProducerRecord } from '../../src/records/record.js';
import { compactPartition } from '../../src/storage/log-compactor.js';
import { LogManager } from '../../src/storage/log-manager.js';
import { SPOOL_BIN, median, timeSpool, type Row } from './bench-kit.js';
import { writeLines } from './throughput.js';

const RUNS = 5;
const KEYS = 10_000;
const VALUE_BYTES = 100;
const RECORDS_PER_BATCH = 500;
const NEVER_MS = 2_000_000_000;

function targetMb(): number {
  const mb = Number(process.env.SPOOL_BENCH_COMPACT_MB ?? 1024);
  return Number.isFinite(mb) && mb > 0 ? mb : 1024;
}

/** Batches covering `keys` keys (each key once per cycle) or unkeyed lines, appended round and round. */
function makeBatches(keys: number | null, timestamp: number): Buffer[] {
  const batches: Buffer[] = [];
  const total = keys ?? RECORDS_PER_BATCH * 20;
  for (let first = 0; first < total; first += RECORDS_PER_BATCH) {
    const records: ProducerRecord[] = [];
    for (let i = first; i < Math.min(first + RECORDS_PER_BATCH, total); i++) {
      records.push({
        key: keys === null ? null : Buffer.from(`key-${String(i).padStart(6, '0')}`),
        value: Buffer.from(`value of ${i} `.padEnd(VALUE_BYTES, 'x')),
        headers: [],
        timestamp,
      });
    }
    batches.push(encodeRecordBatch(records));
  }
  return batches;
}

/** Append the batches round and round until the partition holds `bytes`; index rows in transactions. */
function fill(logs: LogManager, topic: string, batches: readonly Buffer[], bytes: number): void {
  const log = logs.partition(topic, 0);
  let i = 0;
  while (log.sizeBytes < bytes) {
    logs.catalog.transaction(() => {
      for (let n = 0; n < 100 && log.sizeBytes < bytes; n++, i++) log.append(batches[i % batches.length]!);
    });
  }
  log.roll();
}

export async function benchCompaction(scratch: string): Promise<Row[]> {
  const mb = targetMb();
  const dataDir = mkdtempSync(join(scratch, 'compact-'));
  const { logs } = LogManager.open({ dataDir });
  try {
    logs.createTopic('state', 1, { 'cleanup.policy': 'compact' });
    fill(logs, 'state', makeBatches(KEYS, Date.now()), mb * 1024 * 1024);
    const log = logs.partition('state', 0);
    const topic = logs.requireTopic('state');
    const sizeBytes = log.sizeBytes;
    const cpuBefore = process.cpuUsage();
    const report = await compactPartition(log, topic.config, Date.now());
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const rate = sizeBytes / 1e6 / (report.durationMs / 1000);
    return [
      {
        name: `compaction ${(sizeBytes / 1048576).toFixed(0)} MiB, ${KEYS.toLocaleString('en-US')} keys`,
        figure: `${rate.toFixed(0)} MB/s`,
        target: 'report',
        note:
          `${(report.durationMs / 1000).toFixed(1)} s, ${report.segmentsRewritten} segments, ` +
          `${(report.bytesBefore / 1e6).toFixed(0)} MB -> ${(report.bytesAfter / 1e6).toFixed(1)} MB, ` +
          `${report.recordsRemoved.toLocaleString('en-US')} records removed; ${(sizeBytes / 1e6 / cpuSeconds).toFixed(0)} MB per CPU second; page cache warm`,
      },
    ];
  } finally {
    logs.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Broker {
  env: NodeJS.ProcessEnv;
  stop(): void;
}

/** `spool broker start` on an existing data dir (bench-kit's startBroker makes a fresh one). */
function startBrokerOn(dataDir: string, retentionCheckMs: number): Broker {
  const env = { ...process.env, SPOOL_HOME: dataDir, SPOOL_AUTOSTART: '0' };
  const out = spawnSync(process.execPath, [SPOOL_BIN, 'broker', 'start', '--retention-check-ms', String(retentionCheckMs)], { env, encoding: 'utf8' });
  const match = /pid (\d+)/.exec(out.stdout);
  if (out.status !== 0 || match === null) throw new Error(`broker did not start: ${out.stdout}${out.stderr}`);
  const pid = Number(match[1]);
  return {
    env,
    stop() {
      spawnSync(process.execPath, [SPOOL_BIN, 'broker', 'stop'], { env });
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Time one `spool produce TOPIC < file`. */
async function produceOnce(file: string, topic: string, env: NodeJS.ProcessEnv): Promise<number> {
  const fd = openSync(file, 'r');
  try {
    return await timeSpool(['produce', topic, '--quiet'], env, [fd, 'ignore', 'pipe']);
  } finally {
    closeSync(fd);
  }
}

/**
 * RUNS pairs of runs, interleaved so that load from elsewhere on the machine falls on both: a
 * broker whose cleaner never runs, then one whose cleaner checks every `cleanerCheckMs`; each
 * started on `dataDir`, given `settleMs` after its start, timed for one produce, and stopped.
 */
async function pairedRuns(dataDir: string, file: string, topic: string, settleMs: number, cleanerCheckMs: number): Promise<{ without: number[]; withCleaner: number[] }> {
  const without: number[] = [];
  const withCleaner: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const [checkMs, times] of [[NEVER_MS, without], [cleanerCheckMs, withCleaner]] as const) {
      const broker = startBrokerOn(dataDir, checkMs);
      try {
        await new Promise((resolve) => setTimeout(resolve, settleMs));
        times.push(await produceOnce(file, topic, broker.env));
      } finally {
        broker.stop();
      }
    }
  }
  return { without, withCleaner };
}

function brokerLog(dataDir: string): string {
  const path = join(dataDir, 'broker.log');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function impactRow(name: string, without: number[], withCleaner: number[], note: string): Row {
  const ratio = median(without) / median(withCleaner);
  return {
    name,
    figure: `${(ratio * 100).toFixed(0)} %`,
    target: '>= 80 %',
    note: `median ${median(withCleaner).toFixed(0)} ms with the cleaner vs ${median(without).toFixed(0)} ms without; ${note}`,
  };
}

export async function benchCleanerImpact(scratch: string): Promise<Row[]> {
  const mb = targetMb();
  const lines = Number(process.env.SPOOL_BENCH_IMPACT_LINES ?? 1_000_000);
  const file = join(scratch, 'impact-lines.txt');
  const payloadBytes = writeLines(file, lines, 100);
  const dataDir = mkdtempSync(join(scratch, 'impact-'));
  const rows: Row[] = [];
  try {
    // (a) Retention: a topic at its retention.bytes; every produced byte makes the cleaner delete one.
    const retentionBytes = mb * 1024 * 1024;
    let { logs } = LogManager.open({ dataDir });
    logs.createTopic('retained', 1, { 'segment.bytes': String(4 << 20), 'retention.bytes': String(retentionBytes) });
    fill(logs, 'retained', makeBatches(null, Date.now()), retentionBytes);
    logs.close();
    // The cleaner checks every 100 ms, so it runs several times during each produce (under a
    // second), not once it is over.
    const retained = await pairedRuns(dataDir, file, 'retained', 0, 100);
    const deletions = [...brokerLog(dataDir).matchAll(/retention deleted (\d+) segment/g)].reduce((n, m) => n + Number(m[1]), 0);
    rows.push(impactRow(`produce ${lines.toLocaleString('en-US')} x 100 B into a ${mb} MiB topic under retention`, retained.without, retained.withCleaner, `${deletions} segments deleted meanwhile`));

    // (b) Compaction: produce into another topic while the cleaner compacts a compacted topic as
    // large. A broker stopping aborts its pass; the next one starts over (its first check is
    // 1000 ms after the start, hence the 1200 ms wait before each run).
    ({ logs } = LogManager.open({ dataDir }));
    logs.createTopic('state', 1, { 'cleanup.policy': 'compact' });
    logs.createTopic('fresh', 1, {});
    fill(logs, 'state', makeBatches(KEYS, Date.now()), mb * 1024 * 1024);
    logs.close();
    const logBefore = brokerLog(dataDir).length;
    const fresh = await pairedRuns(dataDir, file, 'fresh', 1200, 1000);
    const passes = [...brokerLog(dataDir).slice(logBefore).matchAll(/state\/0: (compacted .*)$/gm)].map((m) => m[1]);
    const progress = passes.length === 0 ? 'no pass finished during the runs (each was still going when its broker stopped)' : `${passes.length} pass(es) finished: ${passes.join('; ')}`;
    rows.push(impactRow(`produce ${lines.toLocaleString('en-US')} x 100 B while a ${mb} MiB log is compacted`, fresh.without, fresh.withCleaner, progress));
    rows.push({ name: 'payload per produce run', figure: `${(payloadBytes / 1e6).toFixed(0)} MB`, target: '', note: `${RUNS} runs per case` });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
  return rows;
}
