// spool broker start (SPEC §3 broker): the daemon in the background (waiting until it accepts
// connections) or in this process (--foreground). Loaded only when `broker start` runs, with the
// client and the launcher (one pack of the bundle: one file to read before the spawn).
import type { Command } from 'commander';
import type { BrokerConfig } from '../../broker/broker-config.js';
import type { Connection } from '../../client/connection.js';
import { globalOptions, type GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { launchBroker } from '../../client/broker-launcher.js';
import { connectToOwner, tryConnect } from '../broker-client.js';
import { withSpinner } from '../spinner.js';
import { localOnly } from './broker-local-only.js';
import { brokerArgs, brokerConfig, type StartFlags } from './broker-settings.js';

/** How long a broker found holding the data dir may take to answer (it may be recovering its logs). */
const OWNER_WAIT_MS = 30_000;

export async function brokerStart(flags: StartFlags, command: Command, io: CliIo): Promise<void> {
  const globals = globalOptions(command, io);
  await localOnly(globals, 'broker start', io);
  const config = brokerConfig(globals, flags, io.env);
  if (flags.foreground) await (await import('./broker-foreground.js')).runForeground(config, io);
  else await startBackground(globals, config, flags, io);
}

async function startBackground(globals: GlobalOptions, config: BrokerConfig, flags: StartFlags, io: CliIo): Promise<void> {
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
