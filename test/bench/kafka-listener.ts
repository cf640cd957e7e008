// The Kafka listener's data path: kcat producing 1,000,000 × 100-byte lines into spool through
// Kafka's protocol and reading them back (`kcat -C -e`), beside `spool produce`/`consume` of the
// same file over the Unix socket in the same run, and beside the same kcat commands against
// librdkafka's in-memory mock cluster (kcat's own pace on this machine). Every run's output is
// checked: each consume must give back exactly the input's line count and bytes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SPOOL_BIN, fmtRate, median, projectRoot, startBroker, type Row } from './bench-kit.js';
import { checkOutput as check, kafkaAddress, timed, writeLines } from './timed-run.js';

const LINES = 1_000_000;
const RUNS = Number(process.env.SPOOL_BENCH_RUNS ?? 5);
const MOCK_CLUSTER = join(projectRoot(), '..', 'shared', 'tools', 'kafka-mock-cluster.py');

/** librdkafka's mock cluster: its bootstrap address, and how to stop it (close its stdin). */
async function startMock(): Promise<{ bootstrap: string; stop: () => void } | null> {
  if (!existsSync(MOCK_CLUSTER) || !existsSync('/usr/bin/python3')) return null;
  const child = spawn('/usr/bin/python3', [MOCK_CLUSTER, '1'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const bootstrap = await new Promise<string | null>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /BROKERS=(\S+)/.exec(out);
      if (match !== null) resolve(match[1]!);
    });
    child.on('exit', () => resolve(null));
  });
  if (bootstrap === null) return null;
  return { bootstrap, stop: () => child.stdin!.end() };
}


export async function benchKafkaListener(scratch: string): Promise<Row[]> {
  if (spawnSync('kcat', ['-V']).status !== 0) return [{ name: 'Kafka listener', figure: 'skipped', target: '', note: 'kcat is not installed' }];
  const input = join(scratch, 'kafka-lines.txt');
  const want = writeLines(input, LINES);
  const output = join(scratch, 'kafka-out.txt');
  const mb = statSync(input).size / 1e6;
  const broker = startBroker(['--kafka', '127.0.0.1:0']);
  const mock = await startMock();
  const results = { spoolProduce: [] as number[], spoolConsume: [] as number[], kcatProduce: [] as number[], kcatConsume: [] as number[], mockProduce: [] as number[], mockConsume: [] as number[] };
  try {
    const kafka = kafkaAddress(broker);
    const kcatPut = (bootstrap: string, topic: string) => timed('kcat', ['-b', bootstrap, '-P', '-t', topic, '-X', 'linger.ms=5', '-X', 'batch.size=1000000', '-l', input], process.env, null);
    // At the end of a partition a Kafka broker holds the fetch for fetch.wait.max.ms (500 ms by
    // default) before kcat -e learns that it is the end, and kcat waits for that fetch again as it
    // closes; spool does the same and the mock answers at once. Both get 10 ms, so that the row
    // measures reading, not the wait at the end.
    const kcatGet = (bootstrap: string, topic: string) =>
      timed('kcat', ['-b', bootstrap, '-C', '-t', topic, '-e', '-q', '-o', 'beginning', '-X', 'fetch.wait.max.ms=10'], process.env, null, output);
    for (let run = 0; run < RUNS; run++) {
      const socketTopic = `socket-${run}`;
      results.spoolProduce.push((await timed(process.execPath, [SPOOL_BIN, 'produce', socketTopic, '--quiet'], broker.env, input)).ms);
      const consumed = await timed(process.execPath, [SPOOL_BIN, 'consume', socketTopic, '-e'], broker.env, null, output);
      check('spool consume', consumed, want);
      results.spoolConsume.push(consumed.ms);

      const kafkaTopic = `kafka-${run}`;
      results.kcatProduce.push((await kcatPut(kafka, kafkaTopic)).ms);
      const fetched = await kcatGet(kafka, kafkaTopic);
      check('kcat -C from spool', fetched, want);
      results.kcatConsume.push(fetched.ms);

      if (mock !== null) {
        results.mockProduce.push((await kcatPut(mock.bootstrap, `mock-${run}`)).ms);
        // Not checked, and no yardstick for reading: the mock keeps only the newest part of a
        // partition in memory, so it hands back a fraction of the input.
        results.mockConsume.push((await kcatGet(mock.bootstrap, `mock-${run}`)).ms);
      }
    }
  } finally {
    mock?.stop();
    broker.stop();
  }
  const rate = (ms: number[]) => (LINES * 1000) / median(ms);
  const fmt = (ms: number[]) => `${fmtRate(rate(ms))} msg/s (${(mb / (median(ms) / 1000)).toFixed(0)} MB/s)`;
  const pct = (a: number[], b: number[]) => `${Math.round((100 * rate(a)) / rate(b))} %`;
  const rows: Row[] = [
    { name: 'spool produce (socket), 1M × 100 B', figure: fmt(results.spoolProduce), target: '' },
    { name: 'kcat -P into spool (Kafka)', figure: fmt(results.kcatProduce), target: '', note: `${pct(results.kcatProduce, results.spoolProduce)} of the socket path (target ≥ 80 %)` },
    { name: 'spool consume -e (socket)', figure: fmt(results.spoolConsume), target: '' },
    { name: 'kcat -C -e from spool (Kafka)', figure: fmt(results.kcatConsume), target: '', note: `${pct(results.kcatConsume, results.spoolConsume)} of the socket path (target ≥ 80 %)` },
  ];
  if (mock === null) rows.push({ name: 'kcat into librdkafka\'s mock cluster', figure: 'skipped', target: '', note: 'needs Debian\'s librdkafka1 and python3' });
  else {
    rows.push(
      { name: "kcat -P into librdkafka's mock cluster", figure: fmt(results.mockProduce), target: '', note: `spool is ${pct(results.kcatProduce, results.mockProduce)} of it (target ≥ 90 %)` },
      { name: 'kcat -C -e from the mock cluster', figure: fmt(results.mockConsume), target: '', note: 'the mock serves only the part it keeps in memory' },
    );
  }
  return rows;
}

/** Runnable alone: `node dist/test/bench/kafka-listener.js`. */
if (process.argv[1]?.endsWith('kafka-listener.js')) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { printTable } = await import('./bench-kit.js');
  const dir = mkdtempSync(join(tmpdir(), 'spbench-'));
  try {
    printTable(`Kafka listener: 1,000,000 × 100 B, median of ${RUNS}`, await benchKafkaListener(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
