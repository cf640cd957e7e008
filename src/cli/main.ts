// Entry of the `spool` command: builds the program, runs it, and is the one place that turns an
// error into a `spool: ` line on stderr and an exit code (SPEC §3 Exit codes; cli/report-error.ts).
import { CommanderError } from 'commander';
import { ExitCode } from '../common/exit-codes.js';
import { processIo, type CliIo } from '../term/io.js';
import { createProgram } from './program.js';
import { reportSpoolError } from './report-error.js';

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

export async function main(argv: string[], io: CliIo = processIo()): Promise<void> {
  // React's development build (the default without NODE_ENV) records a performance measure per
  // render and never clears them: a live view would grow by megabytes a minute. Set before any
  // ui/ module loads React.
  process.env.NODE_ENV ??= 'production';
  // No 2 MiB huge page for the CRC addon's allocator (records/crc32c.ts); the broker this
  // process may launch inherits it.
  process.env.MIMALLOC_ALLOW_THP ??= '0';
  // A reader that goes away (`spool --help | head`) is not an error: stop writing, quietly.
  io.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') reportError(err, io);
  });
  const program = createProgram(io);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err, io);
  }
  // A command ends by closing what it opened; if a stray handle remained, do not hang the shell.
  setTimeout(() => process.exit(), 5000).unref();
}

export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // commander has printed its message through configureOutput (as a `spool: ` line).
    return HELP_CODES.has(err.code) ? ExitCode.Ok : ExitCode.Usage;
  }
  return reportSpoolError(err, io);
}
