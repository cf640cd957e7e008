// spool broker status (SPEC §3 broker): the local broker's pid, uptime and totals, or with
// --broker kafka://… the cluster's. Loaded only when `broker status` runs.
import type { Command } from 'commander';
import { ExitCode } from '../../common/exit-codes.js';
import { formatBytes, formatDuration } from '../../term/human.js';
import { globalOptions, type GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';

export async function brokerStatusCommand(json: boolean, command: Command, io: CliIo): Promise<void> {
  const globals = globalOptions(command, io);
  const { isKafkaUrl } = await import('../../client/broker-address.js');
  // A profile name may be a cluster too: only the local socket's status reads the socket.
  if (globals.broker !== null && (isKafkaUrl(globals.broker) || !globals.broker.startsWith('unix:'))) {
    const { clusterStatus } = await import('../cluster-status.js');
    if (await clusterStatus(globals, json, io)) return;
  }
  await brokerStatus(globals, json, io);
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
