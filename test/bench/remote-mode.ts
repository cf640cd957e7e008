// Remote mode's data path: `spool produce` and `spool consume -e` of 1,000,000 × 100-byte lines
// with --broker kafka://… against the broker's own Kafka listener (spool's Kafka client library
// end to end), beside the same commands over the Unix socket in the same run. Every consume is
// checked: it must give back the input byte for byte.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPOOL_BIN, fmtRate, median, startBroker, type BenchBroker, type Row } from './bench-kit.js';

const LINES = 1_000_000;
const RUNS = Number(process.env.SPOOL_BENCH_REMOTE_RUNS ?? 3);

interface Timed {
  ms: number;
  sha256: string;
  bytes: number;
}

function timedSpool(args: string[], env: NodeJS.ProcessEnv, input: string | null): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [SPOOL_BIN, ...args], { env, stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== null) createReadStream(input).pipe(child.stdin!);
    const hash = createHash('sha256');
    let bytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`spool ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ ms: performance.now() - started, sha256: hash.digest('hex'), bytes });
    });
  });
}

function writeInput(path: string): { sha256: string; bytes: number } {
  const lines: string[] = [];
  for (let i = 0; i < LINES; i++) lines.push(`${String(i).padStart(10, '0')} ${'x'.repeat(88)}`);
  const text = lines.join('\n') + '\n';
  writeFileSync(path, text);
  return { sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) };
}

function kafkaAddress(broker: BenchBroker): string {
  const status = spawnSync(process.execPath, [SPOOL_BIN, 'broker', 'status', '--json'], { env: broker.env, encoding: 'utf8' });
  return (JSON.parse(status.stdout) as { kafka: string }).kafka;
}

function check(what: string, got: Timed, want: { sha256: string; bytes: number }): void {
  if (got.sha256 !== want.sha256) throw new Error(`${what}: read back ${got.bytes} bytes that differ from the ${want.bytes}-byte input`);
}

export async function benchRemoteMode(scratch: string): Promise<Row[]> {
  const input = join(scratch, 'remote-lines.txt');
  const want = writeInput(input);
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
