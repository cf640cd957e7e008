// An error as the CLI reports it (SPEC §3 Exit codes): a `spool: ` line on stderr and the exit
// code it means. A stack trace is printed only with SPOOL_DEBUG=1. Shared by the `spool` command
// (cli/main.ts) and the background broker's process (cli/broker-daemon.ts), whose last line is the
// reason its launcher gives.
import { ExitCode } from '../common/exit-codes.js';
import { SpoolError, errorMessage } from '../common/errors.js';
import type { CliIo } from '../term/io.js';

export function reportSpoolError(err: unknown, io: CliIo): number {
  const debug = io.env.SPOOL_DEBUG === '1';
  if (err instanceof SpoolError) {
    io.stderr.write(`spool: ${err.message}\n`);
    if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  io.stderr.write(`spool: unexpected error: ${errorMessage(err)} (run with SPOOL_DEBUG=1 for details)\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return ExitCode.Runtime;
}
