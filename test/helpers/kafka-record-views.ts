// Records as bytes, so that what a Kafka client wrote or read and what `spool consume --format
// json` printed compare field by field: partition, offset, timestamp, key, value and headers,
// with every byte kept (the envelope's base64 fields decoded, null apart from empty). Also the
// JSON outputs of `spool dump`, `topic offsets`, `topic describe` and `topic list`, typed, and
// the records `spool produce` writes for a Kafka client to read back.
import assert from 'node:assert/strict';
import { assertExit, stdoutLines } from './spool-cli.js';
import type { SpoolSandbox } from './spool-sandbox.js';

export interface RecordView {
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** In order, grouped by key as the envelope does (the values of a repeated key together). */
  headers: Array<[string, Buffer | null]>;
}

type HeaderValue = string | null;

interface Envelope {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  keyEncoding?: 'base64';
  value: string | null;
  valueEncoding?: 'base64';
  headers: Record<string, HeaderValue | HeaderValue[]>;
  headerEncodings?: Record<string, 'base64'>;
}

function bytesOf(text: string | null, base64: boolean): Buffer | null {
  return text === null ? null : Buffer.from(text, base64 ? 'base64' : 'utf8');
}

/** Headers grouped by key, in the order each key first appears (how the envelope lists them). */
export function groupedHeaders(headers: ReadonlyArray<readonly [string, Buffer | null]>): Array<[string, Buffer | null]> {
  const groups = new Map<string, Array<Buffer | null>>();
  for (const [key, value] of headers) {
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [value]);
    else group.push(value);
  }
  return [...groups].flatMap(([key, values]) => values.map((value): [string, Buffer | null] => [key, value]));
}

export function viewOfEnvelope(e: Envelope): RecordView {
  const headers = Object.entries(e.headers).flatMap(([key, value]) => {
    const base64 = e.headerEncodings?.[key] === 'base64';
    return (Array.isArray(value) ? value : [value]).map((one): [string, Buffer | null] => [key, bytesOf(one, base64)]);
  });
  return {
    partition: e.partition,
    offset: e.offset,
    timestamp: e.timestamp,
    key: bytesOf(e.key, e.keyEncoding === 'base64'),
    value: bytesOf(e.value, e.valueEncoding === 'base64'),
    headers,
  };
}

export function byPosition(a: RecordView, b: RecordView): number {
  return a.partition - b.partition || a.offset - b.offset;
}

/** Every record of `topic` as `spool consume TOPIC -e --format json` prints it, by partition and offset. */
export async function spoolRecords(sandbox: SpoolSandbox, topic: string): Promise<RecordView[]> {
  const result = await sandbox.run(['consume', topic, '-e', '--format', 'json']);
  assertExit(result, 0, `spool consume ${topic} --format json`);
  return stdoutLines(result)
    .map((line) => viewOfEnvelope(JSON.parse(line) as Envelope))
    .sort(byPosition);
}

/** A batch as `spool dump TOPIC:P --json` describes it. */
export interface DumpedBatch {
  type: 'batch';
  baseOffset: number;
  lastOffset: number;
  count: number;
  firstTimestamp: number;
  maxTimestamp: number;
  compression: string;
  crcValid: boolean;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  isTransactional: boolean;
}

export async function spoolBatches(sandbox: SpoolSandbox, topicPartition: string): Promise<DumpedBatch[]> {
  const result = await sandbox.run(['dump', topicPartition, '--json']);
  assertExit(result, 0, `spool dump ${topicPartition} --json`);
  return stdoutLines(result)
    .map((line) => JSON.parse(line) as DumpedBatch)
    .filter((entry) => entry.type === 'batch');
}

export interface PartitionOffsets {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  offset?: number;
}

/** `spool topic offsets TOPIC [--at @AT] --json`. */
export async function spoolOffsets(sandbox: SpoolSandbox, topic: string, at?: number): Promise<PartitionOffsets[]> {
  const args = ['topic', 'offsets', topic, ...(at === undefined ? [] : ['--at', `@${at}`]), '--json'];
  const result = await sandbox.run(args);
  assertExit(result, 0, args.join(' '));
  return JSON.parse(result.stdout.toString('utf8')) as PartitionOffsets[];
}

export interface TopicDescription {
  name: string;
  configs: Record<string, string | number>;
  defaults: string[];
  partitions: PartitionOffsets[];
}

export async function spoolDescribe(sandbox: SpoolSandbox, topic: string): Promise<TopicDescription> {
  const result = await sandbox.run(['topic', 'describe', topic, '--json']);
  assertExit(result, 0, `spool topic describe ${topic} --json`);
  return JSON.parse(result.stdout.toString('utf8')) as TopicDescription;
}

export async function spoolTopicNames(sandbox: SpoolSandbox): Promise<string[]> {
  const result = await sandbox.run(['topic', 'list', '--json']);
  assertExit(result, 0, 'spool topic list --json');
  return (JSON.parse(result.stdout.toString('utf8')) as Array<{ name: string }>).map((t) => t.name);
}

/**
 * `spool produce --json` lines for a Kafka client to read back: explicit timestamps (one older
 * than the others), a null and an empty value, a null key, keys, values and headers that are not
 * UTF-8 (base64), a repeated header key and a header with a null value.
 */
export const SPOOL_JSON_RECORDS: readonly object[] = [
  { key: 'alpha', value: 'first', headers: { trace: 'abc', multi: ['1', '2'] }, timestamp: 1_700_000_000_000 },
  { key: null, value: 'no key', headers: {}, timestamp: 1_700_000_000_500, partition: 1 },
  { key: 'gone', value: null, timestamp: 1_700_000_001_000 },
  { key: 'empty', value: '', headers: { none: null }, timestamp: 1_700_000_002_000 },
  { key: '/+7/', keyEncoding: 'base64', value: 'AAEC/w==', valueEncoding: 'base64', headers: { bin: 'gP8=' }, headerEncodings: { bin: 'base64' }, timestamp: 1_600_000_000_000 },
  { key: 'grüße', value: '世界', headers: { 'ключ': 'значение' }, timestamp: 1_700_000_003_000 },
];

/**
 * Write `topic` (2 partitions) with `spool produce -K: -H …` lines and `spool produce --json`
 * envelopes; returns the records as spool reads them.
 */
export async function produceWithSpool(sandbox: SpoolSandbox, topic: string): Promise<RecordView[]> {
  assertExit(await sandbox.run(['topic', 'create', topic, '-p', '2']), 0, `topic create ${topic}`);
  const lines = 'k1:v1\nk2:v2\nk3:\nk4:v4 with: a colon\n';
  assertExit(await sandbox.run(['produce', topic, '-K:', '-H', 'app=spool', '-H', 'env=test'], { input: lines }), 0, 'spool produce -K: -H');
  const json = SPOOL_JSON_RECORDS.map((r) => JSON.stringify(r)).join('\n') + '\n';
  assertExit(await sandbox.run(['produce', topic, '--json'], { input: json }), 0, 'spool produce --json');
  const records = await spoolRecords(sandbox, topic);
  // What the client is compared with must itself be right: a few fields as they were written.
  assert.equal(records.length, 10);
  const byKey = (hex: string) => records.find((r) => r.key?.toString('hex') === hex);
  assert.deepEqual(byKey(Buffer.from('k1').toString('hex'))?.headers, [['app', Buffer.from('spool')], ['env', Buffer.from('test')]]);
  assert.deepEqual(byKey(Buffer.from('k3').toString('hex'))?.value, Buffer.alloc(0));
  assert.equal(byKey(Buffer.from('gone').toString('hex'))?.value, null);
  assert.deepEqual(byKey(Buffer.from('alpha').toString('hex'))?.headers, [['trace', Buffer.from('abc')], ['multi', Buffer.from('1')], ['multi', Buffer.from('2')]]);
  assert.deepEqual(byKey(Buffer.from('empty').toString('hex'))?.headers, [['none', null]]);
  const binary = byKey('ffeeff');
  assert.deepEqual([binary?.timestamp, binary?.value, binary?.headers], [1_600_000_000_000, Buffer.from([0, 1, 2, 0xff]), [['bin', Buffer.from([0x80, 0xff])]]]);
  const unkeyed = records.find((r) => r.key === null);
  assert.deepEqual([unkeyed?.partition, unkeyed?.timestamp], [1, 1_700_000_000_500]);
  return records;
}

/** Keys whose murmur2 hash is negative and positive alike, so that a sign slip shows. */
export function manyKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `user-${i}`);
}
