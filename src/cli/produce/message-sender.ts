// MessageSender turns input messages into producer records: key (-k, or -K's split), value (a
// tombstone with -Z), headers, partition, and the checks SPEC asks for on each line (size,
// a key for a compacted topic). Plain lines go a run at a time when the producer can frame runs.
import { MAX_RECORD_FRAMING_BYTES, isCompacted, missingKeyProblem, oversizeProblem } from '../../client/message-size.js';
import type { RecordProducer } from '../../client/target/target.js';
import type { TopicMetadata } from '../../protocol/messages/metadata.js';
import { RECORDS_OFFSET } from '../../records/record-batch.js';
import type { OffsetPrinter } from '../input/offset-printer.js';
import { BadLine } from './bad-line.js';
import { JsonLineProducer } from './json-line.js';
import type { ProduceSettings } from './run-produce.js';

export class MessageSender {
  readonly #producer: RecordProducer;
  readonly #topic: TopicMetadata;
  readonly #settings: ProduceSettings;
  readonly #printer: OffsetPrinter | null;
  readonly #json: JsonLineProducer | null;
  readonly #compacted: boolean;
  /**
   * Values up to this long pass the size check whatever their framing (oversizeProblem): a run
   * of them is framed in one call. Longer ones are checked one by one.
   */
  readonly #runValueBytes: number;
  /**
   * Whether lines can be sent a run at a time (sendRun): every line of the run then has the same
   * key, headers and partition, and needs no parsing. A keyless line to a compacted topic is an
   * error the one-line path reports.
   */
  readonly framesRuns: boolean;
  #line = 0;

  constructor(producer: RecordProducer, topic: TopicMetadata, settings: ProduceSettings, printer: OffsetPrinter | null, warn: (message: string) => void) {
    this.#producer = producer;
    this.#topic = topic;
    this.#settings = settings;
    this.#printer = printer;
    this.#json = settings.json ? new JsonLineProducer(settings.headers, topic.partitions, warn) : null;
    this.#compacted = isCompacted(topic.cleanupPolicy);
    const keyLength = settings.key === null ? -1 : settings.key.length;
    this.#runValueBytes = topic.maxMessageBytes - RECORDS_OFFSET - MAX_RECORD_FRAMING_BYTES - keyLength - settings.encodedHeaders.length;
    this.framesRuns =
      producer.appendValues !== undefined &&
      this.#json === null &&
      settings.keySeparator === null &&
      settings.delimiter.length === 1 &&
      !(this.#compacted && settings.key === null);
  }

  /**
   * Send lines of buf[start, end), whole lines each followed by the delimiter, as far as one
   * batch takes them (or one line through send() when the run cannot take it: a long one).
   * Returns the position after the lines sent.
   */
  sendRun(buf: Buffer, start: number, end: number, timestamp: number): number {
    const settings = this.#settings;
    const producer = this.#producer;
    const partition = settings.partition ?? producer.partitionFor(settings.key);
    const before = producer.appended!;
    const delimiter = settings.delimiter[0]!;
    const next = producer.appendValues!(partition, timestamp, settings.key, settings.encodedHeaders, buf, start, end, delimiter, settings.nullEmpty, this.#runValueBytes);
    const sent = producer.appended! - before;
    this.#line += sent;
    this.#printer?.sentRun(partition, sent);
    if (next !== start) return next;
    const at = buf.indexOf(delimiter, start);
    this.send(buf, start, at, timestamp);
    return at + 1;
  }

  send(buf: Buffer, start: number, end: number, timestamp: number): void {
    const line = ++this.#line;
    if (this.#json !== null) {
      const record = this.#json.parse(buf, start, end, line);
      this.#append(line, record.partition ?? null, record.timestamp ?? timestamp, record.key, record.value, 0, record.value?.length ?? 0, record.headers);
      return;
    }
    const settings = this.#settings;
    let key = settings.key;
    let valueStart = start;
    if (settings.keySeparator !== null) {
      const at = buf.indexOf(settings.keySeparator, start);
      if (at < 0 || at + settings.keySeparator.length > end) {
        throw new BadLine(line, `no key separator "${settings.keySeparator.toString()}" in the line`);
      }
      key = buf.subarray(start, at);
      valueStart = at + settings.keySeparator.length;
    }
    const value = settings.nullEmpty && valueStart === end ? null : buf;
    this.#append(line, null, timestamp, key, value, valueStart, end, settings.encodedHeaders);
  }

  #append(
    line: number,
    envelopePartition: number | null,
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    valueStart: number,
    valueEnd: number,
    headers: Buffer,
  ): void {
    const valueLength = value === null ? -1 : valueEnd - valueStart;
    this.#checkSize(line, key, valueLength, headers);
    if (this.#compacted && key === null) throw new BadLine(line, missingKeyProblem(this.#topic.name, this.#topic.cleanupPolicy, 'use -K or -k'));
    const partition = this.#settings.partition ?? envelopePartition ?? this.#producer.partitionFor(key);
    this.#producer.append(partition, timestamp, key, value, valueStart, valueEnd, headers);
    this.#printer?.sent(partition);
  }

  #checkSize(line: number, key: Buffer | null, valueLength: number, headers: Buffer): void {
    const problem = oversizeProblem(key === null ? -1 : key.length, valueLength, headers.length, this.#topic.maxMessageBytes);
    if (problem !== null) throw new BadLine(line, problem);
  }
}
