// Remote mode's data path: `spool produce` and `spool consume -e` of 1,000,000 × 100-byte lines
// with --broker kafka://… against the broker's own Kafka listener (spool's Kafka client library
// end to end), beside the same commands over the Unix socket in the same run. Every consume is
// checked: it must give back the input byte for byte.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SPOOL_BIN, fmtRate, median, startBroker, type Row } from './bench-kit.js';
import { checkOutput as check, kafkaAddress, timed, writeLines } from './timed-run.js';

const LINES = 1_000_000;
const RUNS = Number(process.env.SPOOL_BENCH_REMOTE_RUNS ?? 3);

export async function benchRemoteMode(scratch: string): Promise<Row[]> {
  const input = join(scratch, 'remote-lines.txt');
  const want = writeLines(input, LINES);
  const output = join(scratch, 'remote-out.txt');
  const timedSpool = (args: string[], env: NodeJS.ProcessEnv, stdin: string | null) => timed(process.execPath, [SPOOL_BIN, ...args], env, stdin, stdin === null ? output : null);
  const mb = statSync(input).size / 1e6;
  const broker = startBroker(['--kafka', '127.0.0.1:0']);
  const results = { localProduce: [] as number[], localConsume: [] as number[], remoteProduce: [] as number[], remoteConsume: [] as number[] };
  try {
    const remote = ['--broker', `kafka://${kafkaAddress(broker)}`];
    for (let run = 0; run < RUNS; run++) {
      results.localProduce.push((await timedSpool(['produce', `local-${run}`, '--quiet'], broker.env, input)).ms);
      const local = await timedSpool(['consume', `local-${run}`, '-e'], broker.env, null);
      check('spool consume (socket)', local, want);
      results.localConsume.push(local.ms);

      results.remoteProduce.push((await timedSpool([...remote, 'produce', `remote-${run}`, '--quiet'], broker.env, input)).ms);
      const fetched = await timedSpool([...remote, 'consume', `remote-${run}`, '-e'], broker.env, null);
      check('spool consume (kafka://)', fetched, want);
      results.remoteConsume.push(fetched.ms);
    }
  } finally {
    broker.stop();
  }
  const rate = (ms: number[]) => (LINES * 1000) / median(ms);
  const fmt = (ms: number[]) => `${fmtRate(rate(ms))} msg/s (${(mb / (median(ms) / 1000)).toFixed(0)} MB/s)`;
  const pct = (a: number[], b: number[]) => `${Math.round((100 * rate(a)) / rate(b))} % of the socket path`;
  return [
    { name: 'spool produce, 1M × 100 B, socket', figure: fmt(results.localProduce), target: '' },
    { name: 'spool --broker kafka://… produce (the listener)', figure: fmt(results.remoteProduce), target: 'report', note: pct(results.remoteProduce, results.localProduce) },
    { name: 'spool consume -e, socket', figure: fmt(results.localConsume), target: '' },
    { name: 'spool --broker kafka://… consume -e', figure: fmt(results.remoteConsume), target: 'report', note: pct(results.remoteConsume, results.localConsume) },
  ];
}

/** Runnable alone: `node dist/test/bench/remote-mode.js`. */
if (process.argv[1]?.endsWith('remote-mode.js')) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { printTable } = await import('./bench-kit.js');
  const dir = mkdtempSync(join(tmpdir(), 'spbench-'));
  try {
    printTable(`Remote mode: 1,000,000 × 100 B through --broker kafka:// beside the socket, median of ${RUNS}`, await benchRemoteMode(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
