// The golden data from real Kafka clients in /work/shared/fixtures, typed. Tests run compiled
// from dist/test/..., so the folder is found by walking up from this file to the project root
// (a directory holding package.json) and taking the sibling `shared/fixtures` of that root.
// The files are read-only facts (see their README): a disagreement is a bug on our side.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProducerRecord } from '../../src/records/record.js';

/** A key, value or header value as cases.json writes it: UTF-8 text, null, or base64 binary. */
export type FixtureBytes = string | null | { base64: string };

export interface FixtureRecord {
  offsetDelta: number;
  timestampDelta: number;
  timestamp: number;
  attributes: number;
  length: number;
  key: FixtureBytes;
  value: FixtureBytes;
  headers: [string, FixtureBytes][];
}

export interface FixtureBatch {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  crcHex: string;
  attributes: number;
  attributesDecoded: {
    compression: string;
    timestampType: string;
    isTransactional: boolean;
    isControl: boolean;
    hasDeleteHorizon: boolean;
  };
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  recordsSectionBytes: number;
  uncompressedRecordsBytes: number;
  compressedContainer?: string;
}

export interface BatchCase {
  file: string;
  case: string;
  compression: string;
  sizeBytes: number;
  sha256: string;
  batch: FixtureBatch;
  records: FixtureRecord[];
}

export interface Murmur2Vector {
  key: string | null;
  murmur2: number;
  murmur2Hex: string;
  toPositive: number;
}

export interface Murmur2Observation {
  key: string;
  murmur2: number;
  toPositive: number;
  partitions: number;
  partition: number;
}

export interface Murmur2Fixture {
  vectors: { source: string; cases: Murmur2Vector[] }[];
  librdkafkaObservedPartitions: { partitionCount: number; observations: Murmur2Observation[] };
}

/** test/fixtures/kafka of the first directory above `start` that holds package.json. */
export function findFixturesDir(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'kafka');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no project root with test/fixtures/kafka above ${start}`);
  }
}

const FIXTURES_DIR = findFixturesDir();

export function readFixture(relativePath: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, relativePath));
}

export function readBatchFixture(file: string): Buffer {
  return readFixture(join('kafka-record-batches', file));
}

export function loadBatchCases(): BatchCase[] {
  const parsed = JSON.parse(readFixture('kafka-record-batches/cases.json').toString('utf8')) as { cases: BatchCase[] };
  return parsed.cases;
}

export function batchCase(file: string): BatchCase {
  const found = loadBatchCases().find((c) => c.file === file);
  if (found === undefined) throw new Error(`cases.json has no case for ${file}`);
  return found;
}

export function loadMurmur2(): Murmur2Fixture {
  return JSON.parse(readFixture('murmur2.json').toString('utf8')) as Murmur2Fixture;
}

/** The bytes a cases.json key/value stands for; null stays null, "" is an empty buffer. */
export function fixtureBytes(value: FixtureBytes): Buffer | null {
  if (value === null) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(value.base64, 'base64');
}

/** The records of a case as a producer would hand them to encodeRecordBatch (captured timestamps). */
export function producerRecordsOf(c: BatchCase): ProducerRecord[] {
  return c.records.map((r) => ({
    key: fixtureBytes(r.key),
    value: fixtureBytes(r.value),
    headers: r.headers.map(([key, value]) => ({ key, value: fixtureBytes(value) })),
    timestamp: r.timestamp,
  }));
}
