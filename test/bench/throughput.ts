// Throughput of whole commands against a running broker: `spool produce t < file` and
// `spool consume t -e > /dev/null`, 1,000,000 lines of 100 bytes and 200,000 lines of 1 KiB,
// median of RUNS runs; then the broker's peak RSS and the bytes on disk per byte of payload.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirBytes, fmtRate, median, startBroker, timeSpool, type Row } from './bench-kit.js';

const RUNS = 3;

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
  produceTarget: number;
  consumeTarget: number;
}

const CASES: Case[] = [
  { label: '1M x 100 B', count: 1_000_000, lineBytes: 100, produceTarget: 1_000_000, consumeTarget: 1_500_000 },
  { label: '200k x 1 KiB', count: 200_000, lineBytes: 1024, produceTarget: 200_000, consumeTarget: 250_000 },
];

export async function benchThroughput(scratch: string): Promise<Row[]> {
  const rows: Row[] = [];
  const broker = startBroker();
  try {
    for (const c of CASES) {
      const file = join(scratch, `lines-${c.lineBytes}.txt`);
      const payloadBytes = writeLines(file, c.count, c.lineBytes);
      const produceMs: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const fd = openSync(file, 'r');
        try {
          produceMs.push(await timeSpool(['produce', `t${c.lineBytes}-${run}`, '--quiet'], broker.env, [fd, 'ignore', 'pipe']));
        } finally {
          closeSync(fd);
        }
      }
      const consumeMs: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const devNull = openSync('/dev/null', 'w');
        try {
          consumeMs.push(await timeSpool(['consume', `t${c.lineBytes}-${run}`, '-e'], broker.env, ['ignore', devNull, 'pipe']));
        } finally {
          closeSync(devNull);
        }
      }
      const p = median(produceMs);
      const q = median(consumeMs);
      const mb = payloadBytes / 1e6;
      rows.push({
        name: `produce ${c.label}`,
        figure: `${fmtRate((c.count / p) * 1000)} msgs/s`,
        target: `>= ${fmtRate(c.produceTarget)}`,
        note: `${((mb / p) * 1000).toFixed(0)} MB/s, median of ${produceMs.map((m) => m.toFixed(0)).join('/')} ms`,
      });
      rows.push({
        name: `consume ${c.label}`,
        figure: `${fmtRate((c.count / q) * 1000)} msgs/s`,
        target: `>= ${fmtRate(c.consumeTarget)}`,
        note: `${((mb / q) * 1000).toFixed(0)} MB/s, median of ${consumeMs.map((m) => m.toFixed(0)).join('/')} ms`,
      });
      if (c.lineBytes === 100) {
        const onDisk = dirBytes(join(broker.dataDir, 'topics', `t100-0`));
        rows.push({ name: 'bytes on disk / payload (100 B)', figure: (onDisk / payloadBytes).toFixed(3), target: '<= 1.15', note: `${onDisk} bytes for ${payloadBytes} bytes of lines` });
      }
    }
    rows.push({ name: 'broker peak RSS', figure: `${(broker.peakRssBytes() / 1048576).toFixed(1)} MiB`, target: '<= 100 MB', note: 'VmHWM over all runs above' });
  } finally {
    broker.stop();
  }
  return rows;
}
