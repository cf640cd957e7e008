// spool tail TOPIC... (SPEC §3 tail): the last N records across partitions in timestamp order,
// then new ones as they come, until Ctrl-C. A live view on a terminal, plain lines in a pipe.
import type { Command } from 'commander';
import { compileRecordFilter } from '../format/record-filter.js';
import { compileRecordFormat } from '../format/record-format.js';
import { globalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { collect } from '../options/collect.js';
import { parseNonNegativeInt } from '../options/numbers.js';
import { checkTopicPattern } from '../options/topic-name.js';
import { subcommand } from '../program.js';
import type { TailSettings } from '../tail/run-tail.js';

interface TailFlags {
  lines: string;
  follow: boolean;
  format?: string;
  grep?: string;
  grepKey?: string;
  grepHeader?: string[];
}

export const DEFAULT_TAIL_LINES = 10;

export function registerTail(program: Command, io: CliIo): void {
  subcommand(program, 'tail', 'print the last records of topics across partitions, then follow new ones')
    .argument('<topics...>', "topics or glob patterns ('logs.*' also follows topics created later)")
    .option('-n, --lines <n>', 'how many records to print before following (0: only new ones)', String(DEFAULT_TAIL_LINES))
    .option('--no-follow', 'print the last records and exit')
    .option('-f, --format <fmt>', 'value | json | a template with %t %p %o %k %s %T %h %K %S %d \\n \\t (as consume)')
    .option('--grep <regex>', 'only records whose value matches')
    .option('--grep-key <regex>', 'only records whose key matches')
    .option('--grep-header <key=regex>', 'only records with a header KEY matching (repeatable)', collect)
    .addHelpText(
      'after',
      `
Examples:
  spool tail logs                         the last 10 records, then follow (q or Ctrl-C quits)
  spool tail 'logs.*' -n 0                only new records of every logs.* topic, new topics too
  spool tail logs -n 100 --no-follow      the last 100 records and exit
  spool tail logs -f json | jq -c .key    in a pipe: the lines consume prints, each at once
  spool tail logs --grep ERROR | grep --line-buffered db

-n counts records before --grep filters them. On a terminal: space pauses, / filters rows.`,
    )
    .action(async (topics: string[], flags: TailFlags, command: Command) => {
      const settings = tailSettings(topics, flags);
      const globals = globalOptions(command, io);
      const { runTail } = await import('../tail/run-tail.js');
      await runTail(globals, settings, io);
    });
}

function tailSettings(topics: string[], flags: TailFlags): TailSettings {
  for (const topic of topics) checkTopicPattern(topic);
  const filter = compileRecordFilter({
    ...(flags.grep === undefined ? {} : { grep: flags.grep }),
    ...(flags.grepKey === undefined ? {} : { grepKey: flags.grepKey }),
    ...(flags.grepHeader === undefined ? {} : { grepHeader: flags.grepHeader }),
  });
  const explicitFormat = flags.format === undefined ? null : compileRecordFormat(flags.format);
  return {
    patterns: [...new Set(topics)],
    count: parseNonNegativeInt(flags.lines, '-n/--lines'),
    follow: flags.follow,
    format: explicitFormat ?? compileRecordFormat('value'),
    explicitFormat,
    filter,
  };
}
