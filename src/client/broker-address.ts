// Which broker a command talks to (SPEC §9): --broker URL|NAME (or SPOOL_BROKER) and -X.
//   unix:PATH               the local broker on that socket (the default: the data dir's socket)
//   kafka://H:P[,H:P…]      a Kafka cluster; kafka+ssl://… over TLS
//   NAME                    [brokers.NAME] of $XDG_CONFIG_HOME/spool/config.toml (default
//                           ~/.config/spool/config.toml): `url` and a `properties` table
// -X properties go over the profile's. Anything wrong is a usage error (exit 2), said before
// anything is sent. The CLI's global options and the library's connect() options both resolve here.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError, errorMessage } from '../common/errors.js';
import { checkKafkaProperties, parseKafkaUrl, type KafkaAddress } from './target/kafka/kafka-properties.js';
import { checkSocketPath } from '../common/paths.js';

/** What a command or a program asked for: --broker (or SPOOL_BROKER), the socket, -X properties. */
export interface BrokerChoice {
  /** As given (a URL or a profile name); null: the local broker. */
  broker: string | null;
  /** The local broker's socket (unix:PATH already applied). */
  socketPath: string;
  properties: Record<string, string>;
}

export type BrokerAddress =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'kafka'; url: string; address: KafkaAddress; properties: Record<string, string> };

const PROFILE_NAME = /^[A-Za-z0-9_.-]+$/;

export function configFilePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'spool', 'config.toml');
}

/** True when `globals` point at a Kafka cluster (not a profile's check: that needs its file). */
export function isKafkaUrl(broker: string | null): boolean {
  return broker !== null && parseKafkaUrl(broker) !== null;
}

export async function resolveBrokerAddress(globals: BrokerChoice, env: NodeJS.ProcessEnv): Promise<BrokerAddress> {
  const broker = globals.broker;
  if (broker === null || broker.startsWith('unix:')) return unixAddress(globals);
  if (/^[a-z+]+:\/\//.test(broker) || broker.includes(':')) {
    const address = parseKafkaUrl(broker);
    if (address === null) throw new UsageError(`invalid --broker "${broker}": use unix:PATH, kafka://HOST:PORT[,HOST:PORT…], kafka+ssl://… or a profile name`);
    checkKafkaProperties(globals.properties);
    return { kind: 'kafka', url: broker, address, properties: { ...globals.properties } };
  }
  if (!PROFILE_NAME.test(broker)) throw new UsageError(`invalid --broker "${broker}": not a URL, and not a profile name (letters, digits, . _ -)`);
  return profileAddress(broker, globals, env);
}

function unixAddress(globals: BrokerChoice): BrokerAddress {
  if (Object.keys(globals.properties).length > 0) {
    throw new UsageError(`-X ${Object.keys(globals.properties)[0]}: client properties are for Kafka clusters (--broker kafka://…), not the local broker`);
  }
  return { kind: 'unix', socketPath: globals.socketPath };
}

async function profileAddress(name: string, globals: BrokerChoice, env: NodeJS.ProcessEnv): Promise<BrokerAddress> {
  const path = configFilePath(env);
  let text: string;
  try {
    // Read at once: a small file, read once; node:fs/promises would load node:readline into every
    // command that resolves its broker.
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'that file does not exist' : errorMessage(err);
    throw new UsageError(`unknown broker profile "${name}": no ${path} (${why}); define [brokers.${name}] with a url there`);
  }
  // The TOML parser loads only for a profile.
  const { parse, TomlError } = await import('smol-toml');
  let config: Record<string, unknown>;
  try {
    config = parse(text) as Record<string, unknown>;
  } catch (err) {
    const where = err instanceof TomlError ? ` at line ${err.line}` : '';
    throw new UsageError(`${path}${where}: ${errorMessage(err).split('\n')[0]}`);
  }
  const profile = table(table(config.brokers, `${path}: [brokers]`)?.[name], `${path}: [brokers.${name}]`);
  if (profile === undefined) throw new UsageError(`unknown broker profile "${name}": no [brokers.${name}] in ${path}`);
  const url = profile.url;
  if (typeof url !== 'string' || url === '') throw new UsageError(`${path}: [brokers.${name}] needs url = "kafka://HOST:PORT" (or "unix:PATH")`);
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(table(profile.properties, `${path}: [brokers.${name}.properties]`) ?? {})) {
    if (typeof value === 'object') throw new UsageError(`${path}: [brokers.${name}.properties] ${key} must be a string, number or boolean`);
    properties[key] = String(value);
  }
  if (url.startsWith('unix:')) {
    const socketPath = url.slice('unix:'.length);
    checkSocketPath(socketPath);
    return unixAddress({ ...globals, socketPath });
  }
  const address = parseKafkaUrl(url);
  if (address === null) throw new UsageError(`${path}: [brokers.${name}] url "${url}" is not unix:PATH, kafka://HOST:PORT or kafka+ssl://…`);
  const merged = { ...properties, ...globals.properties };
  checkKafkaProperties(merged);
  return { kind: 'kafka', url, address, properties: merged };
}

function table(value: unknown, what: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${what} must be a table`);
  return value as Record<string, unknown>;
}

/** verify, dump and broker start/stop work on the local data directory only: say so for a cluster. */
export async function requireLocal(globals: BrokerChoice, command: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (globals.broker === null) return;
  const address = await resolveBrokerAddress(globals, env);
  if (address.kind === 'kafka') {
    throw new UsageError(`${command} works on the local broker and its data directory only, not on ${address.url} (drop --broker, or unset SPOOL_BROKER)`);
  }
}
