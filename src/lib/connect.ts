// connect() (SPEC §10): the same targets as `--broker` (client/broker-address.ts: unix:PATH,
// kafka://…, kafka+ssl://…, a profile of config.toml), with the CLI's defaults. Without
// `broker`: $SPOOL_BROKER, else the local broker of the data directory (`dataDir` > $SPOOL_HOME
// > $XDG_DATA_HOME/spool > ~/.local/share/spool) on its socket (`socket` > $SPOOL_SOCKET >
// <data dir>/spool.sock), started in the background when none runs unless `autostart: false`
// (or SPOOL_AUTOSTART=0).
import { resolve } from 'node:path';
import { resolveBrokerAddress } from '../client/broker-address.js';
import { connectToLocalBroker } from '../client/local-broker.js';
import { SocketTarget } from '../client/target/socket-target.js';
import type { Target } from '../client/target/target.js';
import { UsageError } from '../common/errors.js';
import { checkSocketPath, resolveLocations } from '../common/paths.js';
import { SpoolClient } from './client.js';
import { translated } from './errors.js';

export interface ConnectOptions {
  /**
   * `unix:PATH` (the local broker on that socket), `kafka://HOST:PORT[,HOST:PORT…]`,
   * `kafka+ssl://…` or a profile name of config.toml; default: $SPOOL_BROKER, else the local broker.
   */
  broker?: string;
  /** Start a local broker when none runs (default true; SPOOL_AUTOSTART=0 turns it off). */
  autostart?: boolean;
  /** Kafka client properties with librdkafka's names (kafka:// targets), as `-X KEY=VALUE`. */
  properties?: Readonly<Record<string, string>>;
  /** The local broker's data directory (as --data-dir). */
  dataDir?: string;
  /** The local broker's socket (as --socket). */
  socket?: string;
}

export function connect(options: ConnectOptions = {}): Promise<SpoolClient> {
  return translated(async () => new SpoolClient(await openTarget(options, process.env)));
}

async function openTarget(options: ConnectOptions, env: NodeJS.ProcessEnv): Promise<Target> {
  const broker = options.broker ?? (env.SPOOL_BROKER === undefined || env.SPOOL_BROKER === '' ? null : env.SPOOL_BROKER);
  if (broker === '') throw new UsageError('invalid broker: it is empty (use unix:PATH, kafka://HOST:PORT or a profile name)');
  const locations = resolveLocations({ dataDir: options.dataDir, socket: options.socket }, env);
  // unix:PATH is the local broker on that socket, as `socket: PATH`.
  if (broker !== null && broker.startsWith('unix:')) {
    const path = broker.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new UsageError(`invalid broker "${broker}": give the socket path, unix:PATH`);
    locations.socketPath = resolve(path);
  }
  const address = await resolveBrokerAddress({ broker, socketPath: locations.socketPath, properties: { ...options.properties } }, env);
  if (address.kind === 'kafka') {
    // The Kafka client library loads only for a cluster.
    const { KafkaTarget } = await import('../client/target/kafka/kafka-target.js');
    return KafkaTarget.connect(address.address, address.properties);
  }
  checkSocketPath(address.socketPath);
  const autostart = options.autostart ?? env.SPOOL_AUTOSTART !== '0';
  const connection = await connectToLocalBroker({ dataDir: locations.dataDir, socketPath: address.socketPath, autostart });
  return new SocketTarget(address.socketPath, connection);
}
