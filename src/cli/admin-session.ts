// Admin commands' round trip: open the target (starting a local broker when allowed), run, close.
import type { Command } from 'commander';
import type { TargetAdmin } from '../client/target/target.js';
import { globalOptions, type GlobalOptions } from './global-options.js';
import type { CliIo } from '../term/io.js';

export async function withAdmin<T>(command: Command, io: CliIo, run: (admin: TargetAdmin, globals: GlobalOptions) => Promise<T>): Promise<T> {
  const globals = globalOptions(command, io);
  // The client loads when an admin command runs: `spool --help` and other commands skip it.
  const { openTarget } = await import('./open-target.js');
  const target = await openTarget(globals, io);
  try {
    return await run(target.admin, globals);
  } finally {
    await target.close();
  }
}

/** A confirmation line on stdout (`created topic t`), left out with --quiet. */
export function say(io: CliIo, globals: GlobalOptions, line: string): void {
  if (!globals.quiet) io.stdout.write(line + '\n');
}
