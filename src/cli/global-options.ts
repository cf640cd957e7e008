// The options every command takes (SPEC §3 Global, §9 --broker and -X), read from commander
// with the environment.
import type { Command } from 'commander';
import { UsageError } from '../common/errors.js';
import { checkSocketPath, resolveLocations, type Locations } from '../common/paths.js';
import type { CliIo } from '../term/io.js';
import { collect } from './options/collect.js';
import { resolve } from 'node:path';

export interface GlobalOptions extends Locations {
  autostart: boolean;
  quiet: boolean;
  /** --broker or SPOOL_BROKER as given (a URL or a profile name); null: the local broker. */
  broker: string | null;
  /** -X KEY=VALUE client properties, in the order given (a later one wins). */
  properties: Record<string, string>;
}

interface RawGlobals {
  dataDir?: string;
  socket?: string;
  autostart?: boolean;
  quiet?: boolean;
  broker?: string;
  property?: string[];
}

/** The global options of a command that talks to the broker (the socket path must fit). */
export function globalOptions(command: Command, io: CliIo): GlobalOptions {
  const globals = localGlobalOptions(command, io);
  checkSocketPath(globals.socketPath);
  return globals;
}

/** The global options of a command that only reads the data dir (verify, dump). */
export function localGlobalOptions(command: Command, io: CliIo): GlobalOptions {
  const raw = command.optsWithGlobals<RawGlobals>();
  const autostart = raw.autostart !== false && io.env.SPOOL_AUTOSTART !== '0';
  const broker = raw.broker ?? (io.env.SPOOL_BROKER === undefined || io.env.SPOOL_BROKER === '' ? null : io.env.SPOOL_BROKER);
  if (broker === '') throw new UsageError('invalid --broker: it is empty (use unix:PATH, kafka://HOST:PORT or a profile name)');
  const locations = resolveLocations(raw, io.env);
  // unix:PATH is the local broker on that socket, as --socket PATH.
  if (broker !== null && broker.startsWith('unix:')) {
    const path = broker.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new UsageError(`invalid --broker "${broker}": give the socket path, unix:PATH`);
    locations.socketPath = resolve(path);
  }
  return { ...locations, autostart, quiet: raw.quiet === true, broker, properties: parseProperties(raw.property ?? []) };
}

function parseProperties(pairs: readonly string[]): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid -X "${pair}": use KEY=VALUE, e.g. -X security.protocol=SASL_SSL`);
    properties[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return properties;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--data-dir <dir>', 'data directory (default: $SPOOL_HOME, $XDG_DATA_HOME/spool or ~/.local/share/spool)')
    .option('--socket <path>', "broker socket (default: $SPOOL_SOCKET or <data dir>/spool.sock)")
    .option('--broker <url|name>', 'unix:PATH (the local broker, default), kafka://HOST:PORT[,…], kafka+ssl://… or a profile of config.toml (also SPOOL_BROKER)')
    .option('-X, --property <key=value>', "Kafka client property with librdkafka's name (repeatable), e.g. -X sasl.mechanism=SCRAM-SHA-512", collect)
    .option('--no-autostart', 'fail (exit 3) instead of starting a broker when none runs (also SPOOL_AUTOSTART=0)')
    .option('-q, --quiet', 'no summaries or confirmation lines (data and errors are still printed)');
}
