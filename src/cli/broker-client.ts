// Reaching the broker from a client command: client/local-broker.ts, with the autostart's
// spinner on stderr (only on a terminal, not with --quiet).
import type { Connection } from '../client/connection.js';
import { connectToLocalBroker } from '../client/local-broker.js';
import type { GlobalOptions } from './global-options.js';
import { processIo, type CliIo } from '../term/io.js';
import { withSpinner } from './spinner.js';

export { connectToOwner, waitForBroker } from '../client/local-broker.js';
export { isNoBrokerError, tryConnect } from '../client/try-connect.js';

/** `io` is where the autostart spinner goes (stderr, only on a terminal). */
export function connectToBroker(globals: GlobalOptions, io: CliIo = processIo()): Promise<Connection> {
  return connectToLocalBroker(globals, (start) => withSpinner(io, `starting the broker (${globals.dataDir})`, { quiet: globals.quiet }, start));
}
