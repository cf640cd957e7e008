// spool broker start|stop|status (SPEC §3 broker): the commands' flags and help. What each runs
// is in broker-start.ts, broker-stop.ts and broker-status.ts, imported when it runs: `spool --help`
// and the other commands do not load them.
import { Option, type Command } from 'commander';
import { DEFAULT_BROKER_CONFIG, DEFAULT_KAFKA_MAX_REQUEST_BYTES, DEFAULT_METRICS_PORT } from '../../broker/broker-config.js';
import { DEFAULT_KAFKA_HOST, DEFAULT_KAFKA_PORT } from '../../kafka/listen-address.js';
import type { CliIo } from '../../term/io.js';
import { subcommand } from '../program.js';
import type { StartFlags } from './broker-settings.js';
import { registerBrokerUser } from './broker-user.js';

export function registerBroker(program: Command, io: CliIo): void {
  const broker = subcommand(program, 'broker', 'run the local broker daemon').addHelpText(
    'after',
    '\nExamples:\n  spool broker start\n  spool broker status --json\n  spool broker stop\n\nClient commands start a broker by themselves unless --no-autostart or SPOOL_AUTOSTART=0.\n',
  );

  subcommand(broker, 'start', 'start the broker in the background and wait until it accepts connections')
    .option('--foreground', 'stay attached and log to stderr')
    .addOption(new Option('--fsync <policy>', 'when to fsync appended data').choices(['always', 'interval', 'never']).default(DEFAULT_BROKER_CONFIG.fsync))
    .option('--fsync-interval-ms <n>', 'fsync period with --fsync interval', String(DEFAULT_BROKER_CONFIG.fsyncIntervalMs))
    .option('--max-message-bytes <n>', 'default max.message.bytes of topics', String(DEFAULT_BROKER_CONFIG.maxMessageBytes))
    .option('--default-partitions <n>', 'partitions of topics created by producing to them', String(DEFAULT_BROKER_CONFIG.defaultPartitions))
    .option('--retention-check-ms <n>', 'how often retention and compaction run', String(DEFAULT_BROKER_CONFIG.retentionCheckMs))
    .option('--kafka [address]', `also listen for Kafka clients on [HOST:]PORT (bare: ${DEFAULT_KAFKA_HOST}:${DEFAULT_KAFKA_PORT}; also SPOOL_KAFKA)`)
    .option('--kafka-advertise <address>', 'HOST:PORT that Kafka clients are told to connect to (default: the bound address)')
    .option('--kafka-max-request-bytes <n>', 'close a Kafka connection that sends a larger request', String(DEFAULT_KAFKA_MAX_REQUEST_BYTES))
    .option('--kafka-sasl', 'Kafka clients must log in with SASL/PLAIN or SCRAM-SHA-256/512 (users: spool broker user add)')
    .option('--kafka-tls-cert <file>', 'serve Kafka clients over TLS with this PEM certificate (chain)')
    .option('--kafka-tls-key <file>', 'the PEM private key of --kafka-tls-cert')
    .option('--kafka-insecure', 'allow a Kafka listener on a non-loopback address without --kafka-sasl')
    .option('--metrics [address]', `serve Prometheus metrics at http://[HOST:]PORT/metrics (bare: ${DEFAULT_KAFKA_HOST}:${DEFAULT_METRICS_PORT}; also SPOOL_METRICS)`)
    .addHelpText(
      'after',
      '\nExamples:\n  spool broker start\n  spool broker start --foreground --fsync always\n  spool broker start --kafka            # Kafka clients: bootstrap.servers=127.0.0.1:9092\n  spool broker start --kafka 0.0.0.0:9093 --kafka-sasl --kafka-tls-cert broker.pem --kafka-tls-key broker.key\n  spool broker start --metrics          # Prometheus: http://127.0.0.1:9400/metrics\n',
    )
    .action(async (flags: StartFlags, command: Command) => {
      const { brokerStart } = await import('./broker-start.js');
      await brokerStart(flags, command, io);
    });

  subcommand(broker, 'stop', 'stop the broker gracefully (flush, fsync, close) and wait for it to exit')
    .addHelpText('after', '\nExample:\n  spool broker stop\n')
    .action(async (_flags: unknown, command: Command) => {
      const { brokerStop } = await import('./broker-stop.js');
      await brokerStop(command, io);
    });

  subcommand(broker, 'status', 'show whether the broker runs, with pid, uptime, topics and bytes (exit 3 when not); with --broker kafka://… the cluster')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  spool broker status\n  spool broker status --json | jq .pid\n  spool broker status --broker kafka://127.0.0.1:9092   the cluster: id, controller, brokers, API versions\n',
    )
    .action(async (flags: { json?: boolean }, command: Command) => {
      const { brokerStatusCommand } = await import('./broker-status.js');
      await brokerStatusCommand(flags.json === true, command, io);
    });

  registerBrokerUser(broker, io);
}

