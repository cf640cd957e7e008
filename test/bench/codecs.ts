// Codec throughput on records sections: what spool uses for each codec (hand-written snappy and lz4
// readers, snappyjs and native lz4 block compressors, zstd in WebAssembly, node:zlib) beside the
// libraries it could use instead, on 1 MiB of 100-byte log lines and on the 5-record batches a
// real client wrote (fixtures 06-10). Figures are MiB of uncompressed records per CPU second
// (process.cpuUsage, so that other load on the machine counts less), median of 7 rounds with the
// candidates interleaved. Part of `npm run bench -- --codecs`, or alone:
// `node dist/test/bench/codecs.js`.
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { javascriptLz4, lz4BlockCompressor } from '../../src/records/block-compressors.js';
import { BatchBuilder } from '../../src/records/batch-builder.js';
import { compressLz4Frame, decompressLz4Frame } from '../../src/records/lz4.js';
import { NO_HEADERS } from '../../src/records/headers.js';
import { RECORDS_OFFSET } from '../../src/records/record-batch.js';
import { compressSnappyXerial, decompressSnappy } from '../../src/records/snappy.js';
import { compressZstd, decompressZstd } from '../../src/records/zstd.js';
import { readBatchFixture } from '../helpers/fixtures.js';
import { median, printTable, type Row } from './bench-kit.js';

const require = createRequire(import.meta.url);
const ROUNDS = 7;
const ROUND_MS = 120;
const MIB = 1024 * 1024;

interface Candidate {
  name: string;
  used: boolean;
  run: () => unknown;
  /** Compressed size over uncompressed size, for compressors. */
  ratio?: number;
}

/** 1 MiB records section of 100-byte log lines, as BatchBuilder frames them. */
function logSection(): Buffer {
  const levels = ['INFO ', 'WARN ', 'DEBUG', 'ERROR'];
  const paths = ['/api/orders', '/api/users/me', '/healthz', '/api/cart/items', '/static/app.js'];
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const builder = new BatchBuilder(2 * MIB);
  let timestamp = 1_795_000_000_000;
  while (builder.sizeBytes < MIB) {
    timestamp += random(50);
    const line =
      `${new Date(timestamp).toISOString()} ${levels[random(4)]} [worker-${random(8)}] req=${random(0x7fffffff).toString(16).padStart(8, '0')} ` +
      `${paths[random(5)]} status=${[200, 200, 200, 404, 500][random(5)]} ms=${random(900)}`;
    const value = Buffer.from(line.padEnd(100, ' ').slice(0, 100));
    builder.append(timestamp, null, value, 0, value.length, NO_HEADERS);
  }
  return builder.build()!.subarray(RECORDS_OFFSET);
}

function section(file: string): Buffer {
  return readBatchFixture(file).subarray(RECORDS_OFFSET);
}

/** MiB of `bytes`-sized input per CPU second for each candidate, rounds interleaved. */
function measure(candidates: readonly Candidate[], bytes: number): number[] {
  const rates: number[][] = candidates.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    candidates.forEach((c, i) => {
      let runs = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      while (performance.now() - started < ROUND_MS) {
        c.run();
        runs++;
      }
      const used = process.cpuUsage(cpu);
      rates[i]!.push((bytes * runs) / MIB / ((used.user + used.system) / 1e6));
    });
  }
  return rates.map((r) => median(r));
}

function rows(sample: string, bytes: number, candidates: Candidate[]): Row[] {
  const rates = measure(candidates, bytes);
  return candidates.map((c, i) => ({
    name: `${sample}: ${c.name}`,
    figure: `${Math.round(rates[i]!)} MiB/s`,
    target: c.used ? 'used' : 'compared',
    note: c.ratio === undefined ? '' : `size ${(c.ratio * 100).toFixed(1)}%`,
  }));
}

interface Libraries {
  snappy: { compressSync(data: Buffer): Buffer; uncompressSync(data: Buffer, options: { asBuffer: true }): Buffer };
  snappyjs: { uncompress(data: Buffer): Buffer };
  lz4: { compressFrameSync(data: Buffer): Buffer; decompressFrameSync(data: Buffer): Buffer };
  lz4js: { decompress(data: Buffer): Uint8Array };
  fzstd: { decompress(data: Uint8Array): Uint8Array };
}

function libraries(): Libraries {
  return {
    snappy: require('snappy') as Libraries['snappy'],
    snappyjs: require('snappyjs') as Libraries['snappyjs'],
    lz4: require('lz4-napi') as Libraries['lz4'],
    lz4js: require('lz4js') as Libraries['lz4js'],
    fzstd: require('fzstd') as Libraries['fzstd'],
  };
}

function decompressors(lib: Libraries, data: Buffer, fixtures: boolean): Candidate[] {
  const gzip = fixtures ? section('07-compression-gzip.bin') : gzipSync(data);
  const snappyRaw = fixtures ? section('08-compression-snappy.bin') : lib.snappy.compressSync(data);
  const snappyXerial = compressSnappyXerial(data);
  const lz4 = fixtures ? section('09-compression-lz4.bin') : compressLz4Frame(data);
  const zstd = fixtures ? section('10-compression-zstd.bin') : compressZstd(data);
  return [
    { name: 'gzip decompress, node:zlib', used: true, run: () => gunzipSync(gzip) },
    { name: 'snappy decompress (raw block), hand-written reader', used: true, run: () => decompressSnappy(snappyRaw) },
    { name: 'snappy decompress (xerial), hand-written reader', used: true, run: () => decompressSnappy(snappyXerial) },
    { name: 'snappy decompress (raw block), snappy native', used: false, run: () => lib.snappy.uncompressSync(snappyRaw, { asBuffer: true }) },
    { name: 'snappy decompress (raw block), snappyjs', used: false, run: () => lib.snappyjs.uncompress(snappyRaw) },
    { name: 'lz4 decompress (frame), hand-written reader', used: true, run: () => decompressLz4Frame(lz4) },
    { name: 'lz4 decompress (frame), lz4-napi', used: false, run: () => lib.lz4.decompressFrameSync(lz4) },
    { name: 'lz4 decompress (frame), lz4js', used: false, run: () => lib.lz4js.decompress(lz4) },
    { name: `zstd decompress${fixtures ? ' (no content size)' : ''}, zstd wasm`, used: true, run: () => decompressZstd(zstd) },
    { name: `zstd decompress${fixtures ? ' (no content size)' : ''}, fzstd (pure JavaScript)`, used: false, run: () => lib.fzstd.decompress(zstd) },
  ];
}

function compressors(lib: Libraries, data: Buffer): Candidate[] {
  const nativeLz4 = lz4BlockCompressor();
  const jsLz4 = javascriptLz4();
  const nativeSnappy = { kind: 'native' as const, compress: (block: Buffer) => lib.snappy.compressSync(block) };
  const ratio = (compressed: Buffer): number => compressed.length / data.length;
  return [
    { name: 'gzip compress, node:zlib level 6', used: true, run: () => gzipSync(data), ratio: ratio(gzipSync(data)) },
    { name: 'snappy compress (xerial), snappyjs blocks', used: true, run: () => compressSnappyXerial(data), ratio: ratio(compressSnappyXerial(data)) },
    { name: 'snappy compress (xerial), snappy native blocks', used: false, run: () => compressSnappyXerial(data, nativeSnappy), ratio: ratio(compressSnappyXerial(data, nativeSnappy)) },
    { name: `lz4 compress (Kafka frame), ${nativeLz4.kind} blocks`, used: true, run: () => compressLz4Frame(data, nativeLz4), ratio: ratio(compressLz4Frame(data, nativeLz4)) },
    { name: 'lz4 compress (Kafka frame), lz4js blocks (fallback)', used: false, run: () => compressLz4Frame(data, jsLz4), ratio: ratio(compressLz4Frame(data, jsLz4)) },
    { name: 'lz4 compress (256 KiB-block frame), lz4-napi frame API', used: false, run: () => lib.lz4.compressFrameSync(data), ratio: ratio(lib.lz4.compressFrameSync(data)) },
    { name: 'zstd compress, zstd wasm level 3', used: true, run: () => compressZstd(data), ratio: ratio(compressZstd(data)) },
  ];
}

export function benchCodecs(): Row[] {
  const lib = libraries();
  const log = logSection();
  const fixture = section('06-compression-none.bin');
  return [
    ...rows('1 MiB log lines', log.length, decompressors(lib, log, false)),
    ...rows('5-record fixture', fixture.length, decompressors(lib, fixture, true)),
    ...rows('1 MiB log lines', log.length, compressors(lib, log)),
    ...rows('5-record fixture', fixture.length, compressors(lib, fixture)),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable('Codecs: MiB of records per CPU second (median of 7 rounds)', benchCodecs());
}
