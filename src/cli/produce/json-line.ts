// `produce --json`: one envelope per line (as `consume --format json` writes them), turned into a
// record with its key, value, headers, timestamp and partition; a bad line is named by number.
import { NO_HEADERS, encodeHeaders } from '../../records/headers.js';
import type { RecordHeader } from '../../records/record.js';
import { EnvelopeError, parseJsonEnvelope } from '../format/json-envelope.js';
import { BadLine } from './bad-line.js';

export interface JsonLineRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Buffer;
  timestamp: number | undefined;
  partition: number | undefined;
}

export class JsonLineProducer {
  readonly #extraHeaders: RecordHeader[];
  readonly #partitions: number;
  readonly #warn: (message: string) => void;
  #warned = false;

  constructor(extraHeaders: RecordHeader[], partitions: number, warn: (message: string) => void) {
    this.#extraHeaders = extraHeaders;
    this.#partitions = partitions;
    this.#warn = warn;
  }

  parse(buf: Buffer, start: number, end: number, line: number): JsonLineRecord {
    let envelope;
    try {
      envelope = parseJsonEnvelope(buf.toString('utf8', start, end));
    } catch (err) {
      if (err instanceof EnvelopeError) throw new BadLine(line, err.message);
      throw err;
    }
    let partition = envelope.partition;
    if (partition !== undefined && partition >= this.#partitions) {
      // Copying into a topic with fewer partitions (say, one created by this produce): place
      // such records as the partitioner would instead of failing the copy.
      if (!this.#warned) {
        this.#warned = true;
        this.#warn(`line ${line}: partition ${partition} does not exist (the topic has ${this.#partitions}); such records go where the partitioner puts them`);
      }
      partition = undefined;
    }
    const headers = [...envelope.headers, ...this.#extraHeaders];
    return {
      key: envelope.key,
      value: envelope.value,
      headers: headers.length === 0 ? NO_HEADERS : encodeHeaders(headers),
      timestamp: envelope.timestamp,
      partition,
    };
  }
}
