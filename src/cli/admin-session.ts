// Admin commands' round trip: connect (starting a broker when allowed), run, close.
import type { Command } from 'commander';
import type { Admin } from '../client/admin.js';
import { globalOptions, type GlobalOptions } from './global-options.js';
import type { CliIo } from '../term/io.js';

export async function withAdmin<T>(command: Command, io: CliIo, run: (admin: Admin, globals: GlobalOptions) => Promise<T>): Promise<T> {
  const globals = globalOptions(command, io);
  // The client loads when an admin command runs: `spool --help` and other commands skip it.
  const [{ Admin }, { connectToBroker }] = await Promise.all([import('../client/admin.js'), import('./broker-client.js')]);
  const connection = await connectToBroker(globals, io);
  try {
    return await run(new Admin(connection), globals);
  } finally {
    connection.close();
  }
}

/** A confirmation line on stdout (`created topic t`), left out with --quiet. */
export function say(io: CliIo, globals: GlobalOptions, line: string): void {
  if (!globals.quiet) io.stdout.write(line + '\n');
}
