// spool broker start|stop|status (SPEC §3 broker). The client and launcher are imported by the
// subcommand that uses them: `spool --help` and the other commands do not load them.
import { Option, type Command } from 'commander';
import { ExitCode } from '../../common/exit-codes.js';
import { SpoolError } from '../../common/errors.js';
import { createLogger } from '../../common/logger.js';
import { DEFAULT_BROKER_CONFIG, type BrokerConfig, type FsyncPolicy } from '../../broker/broker-config.js';
import { isProcessAlive, processExists, readLockPid } from '../../broker/lock-file.js';
import type { LauncherMessage } from '../broker-launcher.js';
import { formatBytes, formatDuration } from '../../term/human.js';
import { globalOptions, type GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { parsePositiveInt } from '../options/numbers.js';
import { subcommand } from '../program.js';
import { withSpinner } from '../spinner.js';

interface StartFlags {
  foreground?: boolean;
  fsync: FsyncPolicy;
  fsyncIntervalMs: string;
  maxMessageBytes: string;
  defaultPartitions: string;
  retentionCheckMs: string;
}

const STOP_TIMEOUT_MS = 60_000;
const REAP_WAIT_MS = 5_000;

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
    .addHelpText('after', '\nExamples:\n  spool broker start\n  spool broker start --foreground --fsync always\n')
    .action(async (flags: StartFlags, command: Command) => {
      const globals = globalOptions(command, io);
      const config = brokerConfig(globals, flags);
      if (flags.foreground) await runForeground(config, io);
      else await startBackground(globals, config, flags, io);
    });

  subcommand(broker, 'stop', 'stop the broker gracefully (flush, fsync, close) and wait for it to exit')
    .addHelpText('after', '\nExample:\n  spool broker stop\n')
    .action(async (_flags: unknown, command: Command) => stopBroker(globalOptions(command, io), io));

  subcommand(broker, 'status', 'show whether the broker runs, with pid, uptime, topics and bytes (exit 3 when not)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  spool broker status\n  spool broker status --json | jq .pid\n')
    .action(async (flags: { json?: boolean }, command: Command) => brokerStatus(globalOptions(command, io), flags.json === true, io));
}

function brokerConfig(globals: GlobalOptions, flags: StartFlags): BrokerConfig {
  return {
    dataDir: globals.dataDir,
    socketPath: globals.socketPath,
    fsync: flags.fsync,
    fsyncIntervalMs: parsePositiveInt(flags.fsyncIntervalMs, '--fsync-interval-ms'),
    maxMessageBytes: parsePositiveInt(flags.maxMessageBytes, '--max-message-bytes'),
    defaultPartitions: parsePositiveInt(flags.defaultPartitions, '--default-partitions'),
    retentionCheckMs: parsePositiveInt(flags.retentionCheckMs, '--retention-check-ms'),
  };
}

function brokerArgs(flags: StartFlags): string[] {
  return [
    '--fsync', flags.fsync,
    '--fsync-interval-ms', flags.fsyncIntervalMs,
    '--max-message-bytes', flags.maxMessageBytes,
    '--default-partitions', flags.defaultPartitions,
    '--retention-check-ms', flags.retentionCheckMs,
  ];
}

async function startBackground(globals: GlobalOptions, config: BrokerConfig, flags: StartFlags, io: CliIo): Promise<void> {
  const [{ Admin }, { tryConnect, waitForBroker }, { launchBroker }] = await Promise.all([
    import('../../client/admin.js'),
    import('../broker-client.js'),
    import('../broker-launcher.js'),
  ]);
  const existing = await tryConnect(config.socketPath);
  if (existing !== null) {
    const status = await new Admin(existing).brokerStatus().finally(() => existing.close());
    io.stdout.write(`broker already running (pid ${status.pid}, socket ${status.socket})\n`);
    return;
  }
  const result = await withSpinner(io, `starting the broker (${globals.dataDir})`, { quiet: globals.quiet }, () => launchBroker(globals, brokerArgs(flags)));
  if (result.alreadyRunning) {
    const connection = await waitForBroker(config.socketPath, 30_000);
    connection.close();
    io.stdout.write(`broker already running (pid ${result.pid}, socket ${config.socketPath})\n`);
    return;
  }
  io.stdout.write(`broker running (pid ${result.pid}, socket ${config.socketPath})\n`);
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
      onReady: () => tell({ kind: 'ready', pid: process.pid }),
    });
  } catch (err) {
    if (err instanceof BrokerAlreadyRunningError) {
      tell({ kind: 'already-running', pid: err.ownerPid });
      io.stdout.write(`broker already running (pid ${err.ownerPid}, data dir ${config.dataDir})\n`);
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
    const { pid, uptimeMs, version, dataDir, socket, topics, bytes } = status;
    io.stdout.write(JSON.stringify({ running: true, pid, uptimeMs, version, dataDir, socket, topics, bytes }) + '\n');
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
      `  fsync     ${status.fsync}`,
      `  topics    ${status.topics}`,
      `  bytes     ${formatBytes(status.bytes)} (${status.bytes})`,
    ].join('\n') + '\n',
  );
}
