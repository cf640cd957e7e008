// The options every command takes (SPEC §3 Global), read from commander with the environment.
import type { Command } from 'commander';
import { checkSocketPath, resolveLocations, type Locations } from '../common/paths.js';
import type { CliIo } from '../term/io.js';

export interface GlobalOptions extends Locations {
  autostart: boolean;
  quiet: boolean;
}

interface RawGlobals {
  dataDir?: string;
  socket?: string;
  autostart?: boolean;
  quiet?: boolean;
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
  return { ...resolveLocations(raw, io.env), autostart, quiet: raw.quiet === true };
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--data-dir <dir>', 'data directory (default: $SPOOL_HOME, $XDG_DATA_HOME/spool or ~/.local/share/spool)')
    .option('--socket <path>', "broker socket (default: $SPOOL_SOCKET or <data dir>/spool.sock)")
    .option('--no-autostart', 'fail (exit 3) instead of starting a broker when none runs (also SPOOL_AUTOSTART=0)')
    .option('-q, --quiet', 'no summaries or confirmation lines (data and errors are still printed)');
}
