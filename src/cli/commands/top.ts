// spool top (SPEC §3 top): a live dashboard of topics and groups on a terminal; with --json or
// when stdout is not a terminal, one snapshot as JSON (two readings `--interval-ms` apart, so
// the rates are real).
import type { Command } from 'commander';
import { globalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { parsePositiveInt } from '../options/numbers.js';
import { subcommand } from '../program.js';

interface TopFlags {
  json?: boolean;
  intervalMs: string;
}

export function registerTop(program: Command, io: CliIo): void {
  subcommand(program, 'top', 'a live dashboard of topics (records/s in and out, bytes, end offsets) and groups (state, members, lag)')
    .option('--json', 'print one snapshot as JSON and exit (also when stdout is not a terminal)')
    .option('--interval-ms <n>', 'refresh period, and the time rates are measured over', '1000')
    .addHelpText(
      'after',
      `
Examples:
  spool top                                   refresh every second until q or Ctrl-C
  spool top --json | jq '.topics[] | {name, messagesInPerSec}'
  spool top --json --interval-ms 5000         rates over five seconds`,
    )
    .action(async (flags: TopFlags, command: Command) => {
      const intervalMs = parsePositiveInt(flags.intervalMs, '--interval-ms');
      const globals = globalOptions(command, io);
      const { runTop } = await import('../top/run-top.js');
      await runTop(globals, { json: flags.json === true, intervalMs }, io);
    });
}
