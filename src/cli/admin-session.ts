// Admin commands' round trip: connect (starting a broker when allowed), run, close.
import type { Command } from 'commander';
import { Admin } from '../client/admin.js';
import { connectToBroker } from './broker-client.js';
import { globalOptions, type GlobalOptions } from './global-options.js';
import type { CliIo } from '../term/io.js';

export async function withAdmin<T>(command: Command, io: CliIo, run: (admin: Admin, globals: GlobalOptions) => Promise<T>): Promise<T> {
  const globals = globalOptions(command, io);
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
