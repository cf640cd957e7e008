// Entry of the background broker's process, which client/broker-launcher.ts spawns (through
// bin/spool-broker.cjs) for `spool broker start` and autostart: what `spool broker start
// --foreground` runs, without the rest of the CLI. Its flags are the ones the launcher writes
// (cli/commands/broker-settings.ts brokerArgs, all optional: autostart passes none) and are
// checked as `broker start` checks them; an error is its last log line, which the launcher reports.
import { parseArgs } from 'node:util';
import { DEFAULT_BROKER_CONFIG, DEFAULT_KAFKA_MAX_REQUEST_BYTES, type FsyncPolicy } from '../broker/broker-config.js';
import { UsageError } from '../common/errors.js';
import { processIo, type CliIo } from '../term/io.js';
import { runForeground } from './commands/broker-foreground.js';
import { brokerConfig, type StartFlags } from './commands/broker-settings.js';
import { reportSpoolError } from './report-error.js';

const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'interval', 'never'];

export async function main(argv: string[], io: CliIo = processIo()): Promise<void> {
  // No 2 MiB huge page for the CRC addon's allocator: 2 MiB of the broker's RSS (records/crc32c.ts).
  process.env.MIMALLOC_ALLOW_THP ??= '0';
  try {
    const { locations, flags } = parseDaemonArgs(argv.slice(2));
    await runForeground(brokerConfig(locations, flags, io.env), io);
  } catch (err) {
    process.exitCode = reportSpoolError(err, io);
  }
  // As the CLI does: a stray handle left after the broker stopped must not keep the process.
  setTimeout(() => process.exit(), 5000).unref();
}

function parseDaemonArgs(args: string[]): { locations: { dataDir: string; socketPath: string }; flags: StartFlags } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        'data-dir': { type: 'string' },
        socket: { type: 'string' },
        fsync: { type: 'string', default: DEFAULT_BROKER_CONFIG.fsync },
        'fsync-interval-ms': { type: 'string', default: String(DEFAULT_BROKER_CONFIG.fsyncIntervalMs) },
        'max-message-bytes': { type: 'string', default: String(DEFAULT_BROKER_CONFIG.maxMessageBytes) },
        'default-partitions': { type: 'string', default: String(DEFAULT_BROKER_CONFIG.defaultPartitions) },
        'retention-check-ms': { type: 'string', default: String(DEFAULT_BROKER_CONFIG.retentionCheckMs) },
        kafka: { type: 'string' },
        'kafka-advertise': { type: 'string' },
        'kafka-max-request-bytes': { type: 'string', default: String(DEFAULT_KAFKA_MAX_REQUEST_BYTES) },
        'kafka-sasl': { type: 'boolean' },
        'kafka-tls-cert': { type: 'string' },
        'kafka-tls-key': { type: 'string' },
        'kafka-insecure': { type: 'boolean' },
        metrics: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const dataDir = values['data-dir'];
  const socketPath = values.socket;
  if (dataDir === undefined || socketPath === undefined) throw new UsageError('the broker process needs --data-dir and --socket');
  const fsync = values.fsync as FsyncPolicy;
  if (!FSYNC_POLICIES.includes(fsync)) throw new UsageError(`option '--fsync <policy>' argument '${fsync}' is invalid. Allowed choices are ${FSYNC_POLICIES.join(', ')}.`);
  const flags: StartFlags = {
    foreground: true,
    fsync,
    fsyncIntervalMs: values['fsync-interval-ms'],
    maxMessageBytes: values['max-message-bytes'],
    defaultPartitions: values['default-partitions'],
    retentionCheckMs: values['retention-check-ms'],
    kafkaMaxRequestBytes: values['kafka-max-request-bytes'],
    ...(values.kafka === undefined ? {} : { kafka: values.kafka }),
    ...(values['kafka-advertise'] === undefined ? {} : { kafkaAdvertise: values['kafka-advertise'] }),
    ...(values['kafka-sasl'] === undefined ? {} : { kafkaSasl: values['kafka-sasl'] }),
    ...(values['kafka-tls-cert'] === undefined ? {} : { kafkaTlsCert: values['kafka-tls-cert'] }),
    ...(values['kafka-tls-key'] === undefined ? {} : { kafkaTlsKey: values['kafka-tls-key'] }),
    ...(values['kafka-insecure'] === undefined ? {} : { kafkaInsecure: values['kafka-insecure'] }),
    ...(values.metrics === undefined ? {} : { metrics: values.metrics }),
  };
  return { locations: { dataDir, socketPath }, flags };
}
