// What `spool dump` runs (SPEC §3 verify and dump): the batches of segment files as kafka-dump-log
// prints them, and with --records the records under each batch. Reading is
// storage/inspect/dump-segment.ts; this file only picks the files and formats.
//
// FILE is a path to a .log segment file (or a partition directory: all its segments). An argument
// that names an existing path, contains a `/` or ends in `.log` is a path; anything else is
// TOPIC or TOPIC:PARTITION, every segment of that partition (of every partition, in order, when
// none is given) of the data directory, which need not have a running broker.
//
// Keys and values: in text output, valid UTF-8 is printed as text with `\n`, `\r`, `\t`, `\\` and
// `\xNN` (other control characters) escaped so each record stays on one line; anything else as
// 0x and lowercase hex. In --json output, as the JSON envelope (SPEC §4): UTF-8 strings, or base64
// with "keyEncoding"/"valueEncoding": "base64" (and "headerEncodings") beside them.
import { isUtf8 } from 'node:buffer';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { SpoolError, errorMessage } from '../../common/errors.js';
import type { DumpEntry, DumpedBatch, DumpedRecord } from '../../storage/inspect/dump-segment.js';
import { groupHeaders } from '../format/json-envelope.js';
import { localGlobalOptions } from '../global-options.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { parseNonNegativeInt } from '../options/numbers.js';
import { checkTopicName } from '../options/topic-name.js';

const FLUSH_CHARS = 1 << 16;

export interface DumpFlags {
  records?: boolean;
  json?: boolean;
}

export async function dump(target: string, flags: DumpFlags, command: Command, io: CliIo): Promise<void> {
  const globals = localGlobalOptions(command, io);
  if (globals.broker !== null) await (await import('../../client/broker-address.js')).requireLocal(globals, 'dump', io.env);
  const files = await resolveTarget(target, () => localGlobalOptions(command, io).dataDir);
  const { dumpSegment } = await import('../../storage/inspect/dump-segment.js');
  const out = new DumpWriter(io);
  for (const file of files) {
    if (!flags.json) out.add(`Dumping ${file}\n`);
    for (const entry of openDump(dumpSegment, file, flags)) {
      if (!handleEntry(entry, flags, out, io)) process.exitCode = 1;
      if (out.pending) await out.flush();
      if (out.closed) return;
    }
  }
  await out.flush();
    }

/** The segment files `target` stands for, in the order to dump them. */
async function resolveTarget(target: string, dataDir: () => string): Promise<string[]> {
  const { listSegmentFiles, topicSegmentFiles } = await import('../../storage/inspect/segment-files.js');
  if (existsSync(target) || target.includes('/') || target.endsWith('.log')) {
    if (!existsSync(target)) throw new SpoolError(`${target}: no such file`);
    if (!statSync(target).isDirectory()) return [target];
    const files = listSegmentFiles(target).map((f) => f.path);
    if (files.length === 0) throw new SpoolError(`${target}: no segment files (NNNNNNNNNNNNNNNNNNNN.log) in this directory`);
    return files;
  }
  const colon = target.lastIndexOf(':');
  const topic = checkTopicName(colon < 0 ? target : target.slice(0, colon));
  const partition = colon < 0 ? null : parseNonNegativeInt(target.slice(colon + 1), 'partition');
  return topicSegmentFiles(dataDir(), topic, partition).flatMap((p) => p.files.map((f) => f.path));
}

/** dumpSegment(file), with an unreadable file turned into one clear error. */
function* openDump(dump: (path: string, options: { records?: boolean }) => Generator<DumpEntry>, file: string, flags: DumpFlags): Generator<DumpEntry> {
  const entries = dump(file, { records: flags.records === true });
  let first: IteratorResult<DumpEntry>;
  try {
    first = entries.next(); // opens the file
  } catch (err) {
    throw new SpoolError(`cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  if (first.done === true) return;
  try {
    yield first.value;
    yield* entries;
  } finally {
    entries.return(undefined); // closes the file when the dump ends early (stdout closed)
  }
}

/** Format one entry into `out`; false when it means the file could not be read to its end. */
function handleEntry(entry: DumpEntry, flags: DumpFlags, out: DumpWriter, io: CliIo): boolean {
  switch (entry.type) {
    case 'batch':
      out.add(flags.json ? JSON.stringify(batchJson(entry)) + '\n' : batchLine(entry) + '\n');
      return true;
    case 'record':
      out.add(flags.json ? JSON.stringify(recordJson(entry)) + '\n' : recordLine(entry) + '\n');
      return true;
    case 'unreadable-records':
      io.stderr.write(`spool: ${entry.file}:${entry.position}: batch at offset ${entry.baseOffset}: ${entry.reason}\n`);
      return true;
    case 'end': {
      const stop = entry.stop;
      // A last batch still being appended by a running broker is not damage: stop there quietly.
      if (stop === null || stop.grown) return true;
      io.stderr.write(`spool: ${entry.file}:${stop.position}: ${stop.reason}; dump stops here\n`);
      return false;
    }
    default: {
      const never: never = entry;
      return never;
    }
  }
}

/** kafka-dump-log's batch line, with firstTimestamp added and the defect of an invalid batch. */
export function batchLine(b: DumpedBatch): string {
  const line =
    `baseOffset: ${b.baseOffset} lastOffset: ${b.lastOffset} count: ${b.count} baseSequence: ${b.baseSequence} ` +
    `lastSequence: ${b.lastSequence} producerId: ${b.producerId} producerEpoch: ${b.producerEpoch} ` +
    `partitionLeaderEpoch: ${b.partitionLeaderEpoch} isTransactional: ${b.isTransactional} isControl: ${b.isControl} ` +
    `position: ${b.position} firstTimestamp: ${b.firstTimestamp} ${b.timestampType}: ${b.maxTimestamp} size: ${b.sizeBytes} ` +
    `magic: ${b.magic} compresscodec: ${b.compression} crc: ${b.crc} isvalid: ${b.crcValid}`;
  return b.problem === null ? line : `${line} problem: ${b.problem}`;
}

/** kafka-dump-log's record line; a null key or value has size -1 and no `key:`/`payload:` field. */
export function recordLine(r: DumpedRecord): string {
  let line =
    `| offset: ${r.offset} CreateTime: ${r.timestamp} keySize: ${r.key?.length ?? -1} valueSize: ${r.value?.length ?? -1} ` +
    `sequence: ${r.sequence} headerKeys: [${r.headers.map((h) => escapeText(h.key)).join(',')}]`;
  if (r.key !== null) line += ` key: ${textOf(r.key)}`;
  if (r.value !== null) line += ` payload: ${textOf(r.value)}`;
  return line;
}

function batchJson(b: DumpedBatch): object {
  return {
    type: 'batch',
    file: b.file,
    position: b.position,
    baseOffset: b.baseOffset,
    lastOffset: b.lastOffset,
    count: b.count,
    size: b.sizeBytes,
    firstTimestamp: b.firstTimestamp,
    maxTimestamp: b.maxTimestamp,
    timestampType: b.timestampType,
    compression: b.compression,
    crc: b.crc,
    crcValid: b.crcValid,
    problem: b.problem,
    magic: b.magic,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    lastSequence: b.lastSequence,
    isTransactional: b.isTransactional,
    isControl: b.isControl,
  };
}

function recordJson(r: DumpedRecord): object {
  const json: Record<string, unknown> = { type: 'record', offset: r.offset, timestamp: r.timestamp };
  putBytes(json, 'key', 'keyEncoding', r.key);
  putBytes(json, 'value', 'valueEncoding', r.value);
  // As the envelope: the values of a header key that repeats are one array.
  const groups = groupHeaders(r.headers);
  json.headers = Object.fromEntries(
    groups.map((g) => {
      const values = g.values.map((v) => (v === null ? null : v.toString(g.base64 ? 'base64' : 'utf8')));
      return [g.key, values.length === 1 ? values[0] : values];
    }),
  );
  const base64 = groups.filter((g) => g.base64);
  if (base64.length > 0) json.headerEncodings = Object.fromEntries(base64.map((g) => [g.key, 'base64']));
  return json;
}

function putBytes(json: Record<string, unknown>, field: string, encodingField: string, bytes: Buffer | null): void {
  if (bytes === null || isUtf8(bytes)) {
    json[field] = bytes === null ? null : bytes.toString('utf8');
  } else {
    json[field] = bytes.toString('base64');
    json[encodingField] = 'base64';
  }
}

/** Valid UTF-8 as escaped text, anything else as 0x-prefixed hex. */
function textOf(bytes: Buffer): string {
  return isUtf8(bytes) ? escapeText(bytes.toString('utf8')) : '0x' + bytes.toString('hex');
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function escapeText(text: string): string {
  // C0 controls, DEL and the backslash itself.
  return text.replace(/[\u0000-\u001f\u007f\\]/g, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Output gathered into chunks and written with backpressure; a closed stdout ends the dump quietly. */
class DumpWriter {
  readonly #io: CliIo;
  #chunks: string[] = [];
  #chars = 0;
  closed = false;

  constructor(io: CliIo) {
    this.#io = io;
    io.stdout.on('error', () => {
      // EPIPE and friends (`spool dump t | head`): the reader is gone; stop quietly.
      this.closed = true;
    });
  }

  get pending(): boolean {
    return this.#chars >= FLUSH_CHARS;
  }

  add(text: string): void {
    this.#chunks.push(text);
    this.#chars += text.length;
  }

  async flush(): Promise<void> {
    if (this.#chunks.length === 0 || this.closed) return;
    const text = this.#chunks.join('');
    this.#chunks = [];
    this.#chars = 0;
    await writeOut(this.#io.stdout, text)?.catch(() => {
      this.closed = true;
    });
  }
}
