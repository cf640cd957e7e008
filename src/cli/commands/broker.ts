// spool broker start|stop|status (SPEC §3 broker). The client and launcher are imported by the
// subcommand that uses them: `spool --help` and the other commands do not load them.
import { Option, type Command } from 'commander';
import type { Connection } from '../../client/connection.js';
import { ExitCode } from '../../common/exit-codes.js';
import { SpoolError, UsageError } from '../../common/errors.js';
import { createLogger } from '../../common/logger.js';
import {
  DEFAULT_BROKER_CONFIG,
  DEFAULT_KAFKA_MAX_REQUEST_BYTES,
  DEFAULT_METRICS_PORT,
  type BrokerConfig,
  type FsyncPolicy,
  type KafkaListenerConfig,
} from '../../broker/broker-config.js';
import { resolve } from 'node:path';
import { DEFAULT_KAFKA_HOST, DEFAULT_KAFKA_PORT, formatHostPort, isLoopbackHost, parseHostPort } from '../../kafka/listen-address.js';
import { isProcessAlive, processExists, readLockPid } from '../../broker/lock-file.js';
import type { LauncherMessage } from '../../client/broker-launcher.js';
import { formatBytes, formatDuration } from '../../term/human.js';
import { globalOptions, type GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { parsePositiveInt } from '../options/numbers.js';
import { subcommand } from '../program.js';
import { withSpinner } from '../spinner.js';
import { registerBrokerUser } from './broker-user.js';

interface StartFlags {
  foreground?: boolean;
  fsync: FsyncPolicy;
  fsyncIntervalMs: string;
  maxMessageBytes: string;
  defaultPartitions: string;
  retentionCheckMs: string;
  kafka?: string | true;
  kafkaAdvertise?: string;
  kafkaMaxRequestBytes: string;
  kafkaSasl?: boolean;
  kafkaTlsCert?: string;
  kafkaTlsKey?: string;
  kafkaInsecure?: boolean;
  metrics?: string | true;
}

const STOP_TIMEOUT_MS = 60_000;
const REAP_WAIT_MS = 5_000;
/** How long a broker found holding the data dir may take to answer (it may be recovering its logs). */
const OWNER_WAIT_MS = 30_000;

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
      const globals = globalOptions(command, io);
      await localOnly(globals, 'broker start', io);
      const config = brokerConfig(globals, flags, io.env);
      if (flags.foreground) await runForeground(config, io);
      else await startBackground(globals, config, flags, io);
    });

  subcommand(broker, 'stop', 'stop the broker gracefully (flush, fsync, close) and wait for it to exit')
    .addHelpText('after', '\nExample:\n  spool broker stop\n')
    .action(async (_flags: unknown, command: Command) => {
      const globals = globalOptions(command, io);
      await localOnly(globals, 'broker stop', io);
      await stopBroker(globals, io);
    });

  subcommand(broker, 'status', 'show whether the broker runs, with pid, uptime, topics and bytes (exit 3 when not); with --broker kafka://… the cluster')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  spool broker status\n  spool broker status --json | jq .pid\n  spool broker status --broker kafka://127.0.0.1:9092   the cluster: id, controller, brokers, API versions\n',
    )
    .action(async (flags: { json?: boolean }, command: Command) => {
      const globals = globalOptions(command, io);
      const { isKafkaUrl } = await import('../../client/broker-address.js');
      // A profile name may be a cluster too: only the local socket's status reads the socket.
      if (globals.broker !== null && (isKafkaUrl(globals.broker) || !globals.broker.startsWith('unix:'))) {
        const { clusterStatus } = await import('../cluster-status.js');
        if (await clusterStatus(globals, flags.json === true, io)) return;
      }
      await brokerStatus(globals, flags.json === true, io);
    });

  registerBrokerUser(broker, io);
}

/** The daemon's own commands refuse a Kafka cluster (a usage error). */
async function localOnly(globals: GlobalOptions, command: string, io: CliIo): Promise<void> {
  if (globals.broker === null) return;
  const { requireLocal } = await import('../../client/broker-address.js');
  await requireLocal(globals, command, io.env);
}

function brokerConfig(globals: GlobalOptions, flags: StartFlags, env: NodeJS.ProcessEnv): BrokerConfig {
  return {
    dataDir: globals.dataDir,
    socketPath: globals.socketPath,
    fsync: flags.fsync,
    fsyncIntervalMs: parsePositiveInt(flags.fsyncIntervalMs, '--fsync-interval-ms'),
    maxMessageBytes: parsePositiveInt(flags.maxMessageBytes, '--max-message-bytes'),
    defaultPartitions: parsePositiveInt(flags.defaultPartitions, '--default-partitions'),
    retentionCheckMs: parsePositiveInt(flags.retentionCheckMs, '--retention-check-ms'),
    kafka: kafkaListenerConfig(flags, env),
    metrics: metricsAddress(flags, env),
  };
}

/** --metrics, else SPOOL_METRICS (so autostarted brokers serve them too); null when neither. */
function metricsAddress(flags: StartFlags, env: NodeJS.ProcessEnv): { host: string; port: number } | null {
  const fromEnv = env.SPOOL_METRICS;
  const spec = flags.metrics ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
  if (spec === undefined) return null;
  return spec === true ? { host: DEFAULT_KAFKA_HOST, port: DEFAULT_METRICS_PORT } : parseHostPort(spec, flags.metrics === undefined ? 'SPOOL_METRICS' : '--metrics');
}

/** --kafka, else SPOOL_KAFKA (so autostarted brokers get the listener too); null when neither. */
function kafkaListenerConfig(flags: StartFlags, env: NodeJS.ProcessEnv): KafkaListenerConfig | null {
  const fromEnv = env.SPOOL_KAFKA;
  const spec = flags.kafka ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
  if (spec === undefined) {
    const stray = (['kafkaAdvertise', 'kafkaSasl', 'kafkaTlsCert', 'kafkaTlsKey', 'kafkaInsecure'] as const).find((key) => flags[key] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --kafka (or SPOOL_KAFKA)`);
    return null;
  }
  const bind = spec === true ? { host: DEFAULT_KAFKA_HOST, port: DEFAULT_KAFKA_PORT } : parseHostPort(spec, flags.kafka === undefined ? 'SPOOL_KAFKA' : '--kafka');
  const sasl = flags.kafkaSasl === true;
  // Anyone who can reach a non-loopback address could read and write every topic.
  if (!isLoopbackHost(bind.host) && !sasl && flags.kafkaInsecure !== true) {
    throw new UsageError(
      `refusing to listen for Kafka clients on ${formatHostPort(bind)} without authentication: add --kafka-sasl (with users from 'spool broker user add'), or --kafka-insecure if every host that can reach it may read and write everything`,
    );
  }
  if ((flags.kafkaTlsCert === undefined) !== (flags.kafkaTlsKey === undefined)) throw new UsageError('--kafka-tls-cert and --kafka-tls-key go together');
  return {
    ...bind,
    advertised: flags.kafkaAdvertise === undefined ? null : parseHostPort(flags.kafkaAdvertise, '--kafka-advertise', true),
    maxRequestBytes: parsePositiveInt(flags.kafkaMaxRequestBytes, '--kafka-max-request-bytes'),
    sasl,
    // The broker runs from another working directory: it gets absolute paths.
    tls: flags.kafkaTlsCert === undefined || flags.kafkaTlsKey === undefined ? null : { certFile: resolve(flags.kafkaTlsCert), keyFile: resolve(flags.kafkaTlsKey) },
  };
}

function brokerArgs(flags: StartFlags, kafka: KafkaListenerConfig | null, metrics: BrokerConfig['metrics']): string[] {
  return [
    '--fsync', flags.fsync,
    '--fsync-interval-ms', flags.fsyncIntervalMs,
    '--max-message-bytes', flags.maxMessageBytes,
    '--default-partitions', flags.defaultPartitions,
    '--retention-check-ms', flags.retentionCheckMs,
    '--kafka-max-request-bytes', flags.kafkaMaxRequestBytes,
    ...(kafka === null ? [] : ['--kafka', formatHostPort(kafka)]),
    ...(kafka?.advertised == null ? [] : ['--kafka-advertise', formatHostPort(kafka.advertised)]),
    ...(kafka?.sasl === true ? ['--kafka-sasl'] : []),
    ...(kafka?.tls == null ? [] : ['--kafka-tls-cert', kafka.tls.certFile, '--kafka-tls-key', kafka.tls.keyFile]),
    ...(flags.kafkaInsecure === true ? ['--kafka-insecure'] : []),
    ...(metrics === null ? [] : ['--metrics', formatHostPort(metrics)]),
  ];
}

async function startBackground(globals: GlobalOptions, config: BrokerConfig, flags: StartFlags, io: CliIo): Promise<void> {
  const [{ tryConnect, connectToOwner }, { launchBroker }] = await Promise.all([
    import('../broker-client.js'),
    import('../../client/broker-launcher.js'),
  ]);
  const existing = await tryConnect(config.socketPath);
  if (existing !== null) {
    await sayAlreadyRunning(existing, io);
    return;
  }
  const result = await withSpinner(io, `starting the broker (${globals.dataDir})`, { quiet: globals.quiet }, async () => {
    const launched = await launchBroker(globals, brokerArgs(flags, config.kafka, config.metrics));
    // Running already, maybe on another socket than this start asked for: it says which.
    return launched.started ? launched : { ...launched, connection: await connectToOwner(globals.dataDir, launched.owner, config.socketPath, OWNER_WAIT_MS) };
  });
  if (!result.started) {
    await sayAlreadyRunning(result.connection, io);
    return;
  }
  io.stdout.write(`broker running (pid ${result.pid}, socket ${config.socketPath})\n`);
  if (result.kafka !== null) io.stdout.write(`kafka listener on ${result.kafka}\n`);
  if (result.metrics !== null) io.stdout.write(`metrics on ${result.metrics}\n`);
}

async function sayAlreadyRunning(connection: Connection, io: CliIo): Promise<void> {
  const { Admin } = await import('../../client/admin.js');
  const status = await new Admin(connection).brokerStatus().finally(() => connection.close());
  io.stdout.write(`broker already running (pid ${status.pid}, socket ${status.socket})\n`);
}

async function runForeground(config: BrokerConfig, io: CliIo): Promise<void> {
  const { runBroker, BrokerAlreadyRunningError } = await import('../../broker/daemon.js');
  const tell = (message: LauncherMessage) => {
    if (process.send === undefined) return;
    process.send(message);
    process.disconnect();
  };
  try {
    await runBroker(config, {
      logger: createLogger(io.stderr, io.env.SPOOL_DEBUG === '1' ? 'debug' : 'info'),
      onReady: (kafka, metrics) => tell({ kind: 'ready', pid: process.pid, kafka, metrics }),
    });
  } catch (err) {
    if (err instanceof BrokerAlreadyRunningError) {
      const { pid, socket } = err.owner;
      tell({ kind: 'already-running', pid, socket });
      io.stdout.write(`broker already running (pid ${pid}, ${socket === null ? `data dir ${config.dataDir}` : `socket ${socket}`})\n`);
      return;
    }
    throw err;
  }
}

async function stopBroker(globals: GlobalOptions, io: CliIo): Promise<void> {
  const [{ Admin }, { tryConnect }] = await Promise.all([import('../../client/admin.js'), import('../broker-client.js')]);
  const connection = await tryConnect(globals.socketPath);
  let pid: number | null;
  if (connection !== null) {
    pid = (await new Admin(connection).shutdown().finally(() => connection.close())).pid;
  } else {
    // No socket, but a live lock owner: a broker still starting (or whose socket was removed).
    pid = readLockPid(globals.dataDir);
    if (pid === null || !isProcessAlive(pid)) {
      io.stdout.write(`broker not running (socket ${globals.socketPath})\n`);
      return;
    }
    process.kill(pid, 'SIGTERM');
  }
  const stopping = pid;
  await withSpinner(io, `stopping the broker (pid ${stopping}): flush, fsync, close`, { quiet: globals.quiet, delayMs: 100 }, async () => {
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isProcessAlive(stopping)) {
      if (Date.now() > deadline) throw new SpoolError(`the broker (pid ${stopping}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // It has exited; give whoever reaps it a moment, so its pid is gone when we say stopped.
    const reapDeadline = Date.now() + REAP_WAIT_MS;
    while (processExists(stopping) && Date.now() < reapDeadline) await new Promise((resolve) => setTimeout(resolve, 25));
  });
  io.stdout.write(`broker stopped (pid ${pid})\n`);
}

async function brokerStatus(globals: GlobalOptions, json: boolean, io: CliIo): Promise<void> {
  const [{ Admin }, { tryConnect }] = await Promise.all([import('../../client/admin.js'), import('../broker-client.js')]);
  const connection = await tryConnect(globals.socketPath);
  if (connection === null) {
    if (json) io.stdout.write(JSON.stringify({ running: false, dataDir: globals.dataDir, socket: globals.socketPath }) + '\n');
    else io.stdout.write(`broker not running (socket ${globals.socketPath})\n`);
    process.exitCode = ExitCode.NoBroker;
    return;
  }
  const status = await new Admin(connection).brokerStatus().finally(() => connection.close());
  if (json) {
    const { pid, uptimeMs, version, dataDir, socket, topics, bytes, kafka, metrics } = status;
    const { kafkaSecurity, socketConnections, socketRequests, kafkaConnections, kafkaRequests } = status;
    const counts = { kafkaSecurity, socketConnections, socketRequests, kafkaConnections, kafkaRequests };
    io.stdout.write(JSON.stringify({ running: true, pid, uptimeMs, version, dataDir, socket, topics, bytes, kafka, metrics, ...counts }) + '\n');
    return;
  }
  io.stdout.write(
    [
      'broker running',
      `  pid       ${status.pid}`,
      `  uptime    ${formatDuration(status.uptimeMs)}`,
      `  version   ${status.version}`,
      `  data dir  ${status.dataDir}`,
      `  socket    ${status.socket}`,
      `  kafka     ${status.kafka === null ? 'off (start with --kafka to serve Kafka clients)' : `${status.kafka} (${status.kafkaSecurity})`}`,
      `  metrics   ${status.metrics ?? 'off (start with --metrics to serve Prometheus)'}`,
      `  clients   socket ${status.socketConnections} connected, ${status.socketRequests} requests; kafka ${status.kafkaConnections} connected, ${status.kafkaRequests} requests`,
      `  fsync     ${status.fsync}`,
      `  topics    ${status.topics}`,
      `  bytes     ${formatBytes(status.bytes)} (${status.bytes})`,
    ].join('\n') + '\n',
  );
}
