// spool produce TOPIC (SPEC §3 produce): one message per input line (or --delimiter), batched,
// partitioned as Kafka does, acknowledged by the broker; exit 0 only when every message was.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../common/errors.js';
import { COMPRESSION_NAMES, type Compression } from '../../records/compression-codecs.js';
import type { RecordHeader } from '../../records/record.js';
import { globalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { parseDelimiter } from '../input/message-splitter.js';
import { collect } from '../options/collect.js';
import { parseNonNegativeInt } from '../options/numbers.js';
import { checkTopicName } from '../options/topic-name.js';
import { subcommand } from '../program.js';
import type { ProduceSettings } from '../produce/run-produce.js';

interface ProduceFlags {
  file?: string;
  keySeparator?: string;
  key?: string;
  header?: string[];
  partition?: string;
  delimiter: string;
  nullEmpty?: boolean;
  durable?: boolean;
  printOffsets?: boolean;
  json?: boolean;
  lingerMs?: string;
  reconnectTimeoutMs?: string;
  compression: (typeof COMPRESSION_NAMES)[number];
  quiet?: boolean;
}

export const DEFAULT_LINGER_MS = 5;
export const DEFAULT_RECONNECT_TIMEOUT_MS = 30_000;

export function registerProduce(program: Command, io: CliIo): void {
  subcommand(program, 'produce', 'send one message per input line (stdin or --file) to a topic')
    .argument('<topic>', 'topic (created with the default partitions if missing)')
    .option('--file <path>', 'read messages from a file instead of stdin')
    .option('-K, --key-separator <sep>', 'split each line at the first SEP into key and value')
    .option('-k, --key <key>', 'one key for all messages')
    .option('-H, --header <key=value>', 'add a header to every message (repeatable; KEY alone is a null value)', collect)
    .option('-p, --partition <n>', 'send every message to partition N')
    .option('--delimiter <str>', 'message delimiter instead of newline (\\0 for NUL)', '\\n')
    .option('-Z, --null-empty', 'an empty value becomes a null value (a tombstone)')
    .option('--durable', 'acknowledge only after the data is fsynced')
    .option('--print-offsets', 'write "PARTITION OFFSET" to stdout for every message, in input order')
    .option('--json', 'each input line is a JSON envelope as `consume --format json` prints')
    .option('--linger-ms <n>', `how long a batch waits for more messages (default ${DEFAULT_LINGER_MS}; 0 when stdin is a terminal)`)
    .option(
      '--reconnect-timeout-ms <n>',
      `how long to wait for a broker that went away before failing (default ${DEFAULT_RECONNECT_TIMEOUT_MS}); unacknowledged messages are then sent again, never stored twice`,
    )
    .addOption(new Option('-z, --compression <codec>', 'compress batches as Kafka clients do').choices(COMPRESSION_NAMES).default('none'))
    .option('--quiet', 'no summary on stderr')
    .addHelpText(
      'after',
      `
Examples:
  seq 100000 | spool produce demo
  tail -F app.log | spool produce logs
  printf 'user1:login\\nuser2:logout\\n' | spool produce events -K :
  spool consume a -e --format json | spool produce b --json

The summary on stderr says how many messages were acknowledged and how durable they are.
On a bad line, everything before it is stored and the error names the line.
A failure says how many messages were stored: exactly the first ones of the input (of each
partition's input when the topic has several), so the rest can be sent again.`,
    )
    .action(async (topic: string, flags: ProduceFlags, command: Command) => {
      const settings = await produceSettings(topic, flags, io);
      const { runProduce } = await import('../produce/run-produce.js');
      await runProduce(globalOptions(command, io), settings, io);
    });
}

async function produceSettings(topic: string, flags: ProduceFlags, io: CliIo): Promise<ProduceSettings> {
  // The records codec (with its native CRC-32C), the input (with node:net and node:tty) and the
  // producer load only for a produce.
  const [{ NO_HEADERS, encodeHeaders }, { stdinIsTerminal }] = await Promise.all([
    import('../../records/headers.js'),
    import('../input/input-stream.js'),
  ]);
  checkTopicName(topic);
  if (flags.key !== undefined && flags.keySeparator !== undefined) throw new UsageError('use either -k/--key or -K/--key-separator, not both');
  if (flags.json && (flags.key !== undefined || flags.keySeparator !== undefined)) {
    throw new UsageError('--json takes keys from the envelope; drop -k/-K');
  }
  if (flags.keySeparator === '') throw new UsageError('invalid --key-separator: it is empty');
  const delimiter = parseDelimiter(flags.delimiter);
  if (delimiter.length === 0) throw new UsageError('invalid --delimiter: it is empty');
  const headers = (flags.header ?? []).map(parseHeader);
  const stdinIsTty = flags.file === undefined && stdinIsTerminal(io);
  return {
    topic,
    file: flags.file,
    keySeparator: flags.keySeparator === undefined ? null : Buffer.from(flags.keySeparator, 'utf8'),
    key: flags.key === undefined ? null : Buffer.from(flags.key, 'utf8'),
    headers,
    encodedHeaders: headers.length === 0 ? NO_HEADERS : encodeHeaders(headers),
    partition: flags.partition === undefined ? null : parseNonNegativeInt(flags.partition, '--partition'),
    delimiter,
    nullEmpty: flags.nullEmpty === true,
    durable: flags.durable === true,
    printOffsets: flags.printOffsets === true,
    json: flags.json === true,
    lingerMs: flags.lingerMs !== undefined ? parseNonNegativeInt(flags.lingerMs, '--linger-ms') : stdinIsTty ? 0 : DEFAULT_LINGER_MS,
    reconnectTimeoutMs:
      flags.reconnectTimeoutMs !== undefined ? parseNonNegativeInt(flags.reconnectTimeoutMs, '--reconnect-timeout-ms') : DEFAULT_RECONNECT_TIMEOUT_MS,
    compression: COMPRESSION_NAMES.indexOf(flags.compression) as Compression,
    quiet: flags.quiet === true,
  };
}

function parseHeader(text: string): RecordHeader {
  const eq = text.indexOf('=');
  if (eq === 0) throw new UsageError(`invalid --header "${text}": the key is empty`);
  if (eq < 0) return { key: text, value: null };
  return { key: text.slice(0, eq), value: Buffer.from(text.slice(eq + 1), 'utf8') };
}
