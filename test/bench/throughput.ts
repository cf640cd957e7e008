// Throughput of whole commands against a running broker: `spool produce t < file` and
// `spool consume t -e > /dev/null`, 1,000,000 lines of 100 bytes and 200,000 lines of 1 KiB,
// RUNS runs each (a new topic per run, deleted once checked), medians of: wall time (messages/s,
// MB/s), the command's own CPU time (process.cpuUsage at its exit) and the broker's
// (/proc/PID/stat) per million messages. Then the broker's peak RSS over all of it and the bytes
// on disk per byte of payload. Every run is checked: its topic holds every line, and a
// `consume -e` of it (not timed) gives back the file byte for byte. With peers, Redis Streams does the same on the same files in the
// same run (redis-client.ts), and spool's ratio to it is printed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '../../src/client/admin.js';
import { Connection } from '../../src/client/connection.js';
import {
  SPOOL_BIN,
  dirBytes,
  fmtRate,
  median,
  processCpuMs,
  startBroker,
  timeNodeScript,
  type BenchBroker,
  type Row,
  type TimedRun,
} from './bench-kit.js';
import { REDIS_CLIENT, redisVersion, startRedis, type RedisPeer } from './redis-peer.js';

const RUNS = 5;

export function writeLines(path: string, count: number, lineBytes: number): number {
  const filler = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(lineBytes / 36) + 1);
  const chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    const prefix = String(i).padStart(10, '0') + ' ';
    chunk.push(prefix + filler.slice(0, lineBytes - prefix.length - 1));
  }
  const text = chunk.join('\n') + '\n';
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

interface Case {
  label: string;
  count: number;
  lineBytes: number;
}

const CASES: Case[] = [
  { label: '1M x 100 B', count: 1_000_000, lineBytes: 100 },
  { label: '200k x 1 KiB', count: 200_000, lineBytes: 1024 },
];

/** Wall ms, the command's CPU ms and the server's CPU ms of each run. */
interface Series {
  wall: number[];
  client: number[];
  server: number[];
}

const series = (): Series => ({ wall: [], client: [], server: [] });

interface Measured {
  produce: Series;
  consume: Series;
  /** The first run's topic on disk (spool only). */
  firstTopicBytes: number;
}

export interface ThroughputOptions {
  peers: boolean;
}

export async function benchThroughput(scratch: string, options: ThroughputOptions): Promise<Row[]> {
  const files = CASES.map((c) => {
    const path = join(scratch, `lines-${c.lineBytes}.txt`);
    return { path, bytes: writeLines(path, c.count, c.lineBytes), digest: '' };
  });
  for (const file of files) file.digest = await sha256(createReadStream(file.path));

  const rows: Row[] = [];
  const spool: Measured[] = [];
  const broker = startBroker();
  try {
    for (const [i, c] of CASES.entries()) spool.push(await measureSpool(broker, c, files[i]!));
    const onDisk = spool[0]!.firstTopicBytes;
    for (const [i, c] of CASES.entries()) rows.push(...spoolRows(c, files[i]!.bytes, spool[i]!));
    rows.push({ name: 'broker peak RSS', figure: `${(broker.peakRssBytes() / 1048576).toFixed(1)} MiB`, target: '<= 60 MiB', note: 'VmHWM over all the runs above' });
    rows.push({ name: 'bytes on disk / payload (100 B)', figure: (onDisk / files[0]!.bytes).toFixed(3), target: '<= 1.15', note: `${onDisk} bytes for ${files[0]!.bytes} bytes of lines` });
    rows.push({ name: 'output checked', figure: 'byte-identical', target: 'every run', note: `${RUNS * CASES.length} topics: every line stored, and consumed back equal to its file` });
  } finally {
    broker.stop();
  }

  if (!options.peers) return rows;
  const version = redisVersion();
  if (version === null) {
    rows.push({ name: 'Redis Streams', figure: 'skipped', target: '-', note: 'redis-server is not installed (apt-get install redis-server)' });
    return rows;
  }
  const redis = await startRedis();
  try {
    for (const [i, c] of CASES.entries()) rows.push(...peerRows(c, files[i]!.bytes, spool[i]!, await measureRedis(redis, c, files[i]!), version));
  } finally {
    await redis.stop();
  }
  return rows;
}

async function measureSpool(broker: BenchBroker, c: Case, file: { path: string; digest: string }): Promise<Measured> {
  const measured: Measured = { produce: series(), consume: series(), firstTopicBytes: 0 };
  for (let run = 0; run < RUNS; run++) {
    const topic = `t${c.lineBytes}-${run}`;
    const fd = openSync(file.path, 'r');
    try {
      record(measured.produce, await whileServer(broker.pid, () => timeNodeScript(SPOOL_BIN, ['produce', topic, '--quiet'], broker.env, [fd, 'ignore', 'pipe'])));
    } finally {
      closeSync(fd);
    }
    const stored = await endOffset(broker, topic);
    if (stored !== c.count) throw new Error(`${topic} holds ${stored} records, not ${c.count}`);
    const devNull = openSync('/dev/null', 'w');
    try {
      record(measured.consume, await whileServer(broker.pid, () => timeNodeScript(SPOOL_BIN, ['consume', topic, '-e'], broker.env, ['ignore', devNull, 'pipe'])));
    } finally {
      closeSync(devNull);
    }
    await checkOutput(`spool consume ${topic}`, [SPOOL_BIN, 'consume', topic, '-e'], broker.env, file.digest);
    if (run === 0) measured.firstTopicBytes = dirBytes(join(broker.dataDir, 'topics', topic));
    // The next run writes into the page cache this one frees, as on a machine that has been up a
    // while: memory this VM has never touched costs several times more to write into (README).
    await deleteTopic(broker, topic);
  }
  return measured;
}

async function measureRedis(redis: RedisPeer, c: Case, file: { path: string; digest: string }): Promise<Measured> {
  const measured: Measured = { produce: series(), consume: series(), firstTopicBytes: 0 };
  for (let run = 0; run < RUNS; run++) {
    const stream = `s${c.lineBytes}-${run}`;
    record(measured.produce, await whileServer(redis.pid, () => timeNodeScript(REDIS_CLIENT, ['produce', redis.socket, stream, file.path], process.env, ['ignore', 'ignore', 'pipe'])));
    const devNull = openSync('/dev/null', 'w');
    try {
      record(measured.consume, await whileServer(redis.pid, () => timeNodeScript(REDIS_CLIENT, ['consume', redis.socket, stream], process.env, ['ignore', devNull, 'pipe'])));
    } finally {
      closeSync(devNull);
    }
    await checkOutput(`XRANGE ${stream}`, [REDIS_CLIENT, 'consume', redis.socket, stream], process.env, file.digest);
    // As spool's topics: each run's stream goes once checked.
    await timeNodeScript(REDIS_CLIENT, ['delete', redis.socket, stream], process.env, ['ignore', 'ignore', 'pipe']);
  }
  return measured;
}

/** A timed run and the server's CPU time spent meanwhile. */
async function whileServer(pid: number, run: () => Promise<TimedRun>): Promise<TimedRun & { serverMs: number }> {
  const before = processCpuMs(pid);
  const timed = await run();
  return { ...timed, serverMs: processCpuMs(pid) - before };
}

function record(s: Series, run: TimedRun & { serverMs: number }): void {
  s.wall.push(run.wallMs);
  s.client.push(run.cpuMs);
  s.server.push(run.serverMs);
}

async function deleteTopic(broker: BenchBroker, topic: string): Promise<void> {
  const connection = await Connection.connect(join(broker.dataDir, 'spool.sock'));
  try {
    await new Admin(connection).deleteTopic(topic);
  } finally {
    connection.close();
  }
}

async function endOffset(broker: BenchBroker, topic: string): Promise<number> {
  const connection = await Connection.connect(join(broker.dataDir, 'spool.sock'));
  try {
    const offsets = await new Admin(connection).listOffsets({ topic });
    return offsets.reduce((sum, o) => sum + o.logEndOffset - o.logStartOffset, 0);
  } finally {
    connection.close();
  }
}

/** Run a reader to completion and compare what it printed with the file's digest. */
async function checkOutput(what: string, args: string[], env: NodeJS.ProcessEnv, digest: string): Promise<void> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const got = await sha256(child.stdout);
  const code = await exited;
  if (code !== 0) throw new Error(`${what} exited ${code}`);
  if (got !== digest) throw new Error(`${what} printed something other than its input file`);
}

function sha256(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    stream.on('data', (chunk: Buffer) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

const perMillion = (ms: number, count: number) => `${((ms / 1000) * (1_000_000 / count)).toFixed(2)} s`;
const runsOf = (values: readonly number[]) => values.map((v) => v.toFixed(0)).join('/');

function rates(c: Case, payloadBytes: number, wallMs: number): { msgs: string; mb: string } {
  return { msgs: `${fmtRate((c.count / wallMs) * 1000)} msgs/s`, mb: `${((payloadBytes / 1e6 / wallMs) * 1000).toFixed(0)} MB/s` };
}

/** Targets per case: [produce, consume] throughput, then CPU per million (client / broker). */
const TARGETS: Record<string, { produce: string; consume: string; produceCpu: string; consumeCpu: string }> = {
  '1M x 100 B': { produce: '>= 2,000,000 msgs/s', consume: '>= 3,000,000 msgs/s', produceCpu: '<= 0.35 / 0.2 s', consumeCpu: '<= 0.3 / 0.08 s' },
  '200k x 1 KiB': { produce: '>= 500 MB/s', consume: '>= 1000 MB/s', produceCpu: '-', consumeCpu: '-' },
};

function spoolRows(c: Case, payloadBytes: number, m: Measured): Row[] {
  const targets = TARGETS[c.label]!;
  const rows: Row[] = [];
  for (const [verb, s] of [
    ['produce', m.produce],
    ['consume', m.consume],
  ] as const) {
    const wall = median(s.wall);
    const { msgs, mb } = rates(c, payloadBytes, wall);
    const byBytes = c.lineBytes > 100;
    rows.push({
      name: `${verb} ${c.label}`,
      figure: byBytes ? mb : msgs,
      target: targets[verb],
      note: `${byBytes ? msgs : mb}, wall median of ${runsOf(s.wall)} ms`,
    });
    rows.push({
      name: `  CPU per 1M msgs, ${verb === 'produce' ? 'produce' : 'consume'} / broker`,
      figure: `${perMillion(median(s.client), c.count)} / ${perMillion(median(s.server), c.count)}`,
      target: verb === 'produce' ? targets.produceCpu : targets.consumeCpu,
      note: `medians; command ${runsOf(s.client)} ms, broker ${runsOf(s.server)} ms`,
    });
  }
  return rows;
}

function peerRows(c: Case, payloadBytes: number, spool: Measured, redis: Measured, version: string): Row[] {
  const rows: Row[] = [];
  for (const [verb, op, s, ours] of [
    ['produce', 'XADD pipelined', redis.produce, spool.produce],
    ['consume', 'XRANGE', redis.consume, spool.consume],
  ] as const) {
    const wall = median(s.wall);
    const { msgs, mb } = rates(c, payloadBytes, wall);
    rows.push({
      name: `Redis ${version} ${verb} ${c.label} (${op})`,
      figure: c.lineBytes > 100 ? mb : msgs,
      target: '-',
      note: `spool ${(wall / median(ours.wall)).toFixed(2)}x its rate; CPU per 1M msgs client ${perMillion(median(s.client), c.count)}, redis-server ${perMillion(median(s.server), c.count)}`,
    });
  }
  return rows;
}
