// spool consume TOPIC... (SPEC §3 consume): read records and write them to stdout.
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { compileRecordFilter } from '../format/record-filter.js';
import { compileRecordFormat } from '../format/record-format.js';
import { globalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { collect } from '../options/collect.js';
import { parseNonNegativeInt, parsePositiveInt } from '../options/numbers.js';
import { parseOffsetSpec, parseUntilSpec } from '../../common/offset-spec.js';
import { checkTopicName, checkTopicPattern } from '../options/topic-name.js';
import { subcommand } from '../program.js';
import type { ConsumeSettings } from '../consume/run-consume.js';
import type { GroupSettings } from '../../client/reading/group-reader.js';

interface ConsumeFlags {
  from?: string;
  until?: string;
  exitAtEnd?: boolean;
  count?: string;
  partition?: string[];
  group?: string;
  reset: string;
  commitIntervalMs: string;
  sessionTimeoutMs: string;
  format: string;
  grep?: string;
  grepKey?: string;
  grepHeader?: string[];
}

export function registerConsume(program: Command, io: CliIo): void {
  subcommand(program, 'consume', 'read records from topics and write them to stdout')
    .argument('<topics...>', 'one or more topics')
    .option('-o, --from <pos>', 'start: beginning | end | stored | N | -N (N before the end) | @TIME (ISO-8601, epoch ms, or 10m ago)')
    .option('--until <pos>', 'stop before offset N or before the first record at or after @TIME')
    .option('-e, --exit-at-end', 'stop at the end offsets seen at start instead of following')
    .option('-c, --count <n>', 'stop after N records written')
    .option('-p, --partition <n>', 'read only partition N (repeatable)', collect)
    .option('-g, --group <group>', 'join consumer group G and commit offsets of records written')
    .option('--reset <where>', 'with a group and no stored offset: earliest | latest', 'earliest')
    .option('--commit-interval-ms <n>', 'with a group: commit at least this often', '1000')
    .option('--session-timeout-ms <n>', 'with a group: how long the broker waits for a silent member', '10000')
    .option('-f, --format <fmt>', 'value | json | a template with %t %p %o %k %s %T %h %K %S %d \\n \\t', 'value')
    .option('--grep <regex>', 'only records whose value matches')
    .option('--grep-key <regex>', 'only records whose key matches')
    .option('--grep-header <key=regex>', 'only records with a header KEY matching (repeatable)', collect)
    .addHelpText(
      'after',
      `
Examples:
  spool consume logs -e                         everything there is now, then exit
  spool consume logs -o -10 -e                  the last 10 records of each partition
  spool consume logs -o @1h --grep ERROR        the last hour's errors, then follow
  spool consume logs -f '%p:%o %k=%s\\n' -c 5    partition, offset, key and value of 5 records
  spool consume logs -e --format json | jq .value
  spool consume logs -g workers                 share the work with other members of a group
  spool consume 'logs.*' -g workers             a group subscription to every topic matching, now or later

Filtered records still count as consumed (their offsets are committed with -g) but not for -c.`,
    )
    .action(async (topics: string[], flags: ConsumeFlags, command: Command) => {
      const settings = consumeSettings(topics, flags);
      const globals = globalOptions(command, io);
      // The consume loop (client, records, crc32) loads only once the flags are good.
      if (flags.group !== undefined) {
        const { runGroupConsume } = await import('../consume/run-group-consume.js');
        await runGroupConsume(globals, settings, groupSettings(flags), io);
      } else {
        const { runConsume } = await import('../consume/run-consume.js');
        await runConsume(globals, settings, io);
      }
    });
}

function groupSettings(flags: ConsumeFlags): GroupSettings {
  if (flags.reset !== 'earliest' && flags.reset !== 'latest') throw new UsageError(`invalid --reset value "${flags.reset}": use earliest or latest`);
  if (flags.group === '' || flags.group === undefined) throw new UsageError('invalid --group: the name is empty');
  return {
    group: flags.group,
    reset: flags.reset,
    commitIntervalMs: parsePositiveInt(flags.commitIntervalMs, '--commit-interval-ms'),
    sessionTimeoutMs: parsePositiveInt(flags.sessionTimeoutMs, '--session-timeout-ms'),
  };
}

function consumeSettings(topics: string[], flags: ConsumeFlags): ConsumeSettings {
  // A group subscribes by name or glob ('logs.*'): the broker assigns the partitions of every
  // topic that matches, now or later. Without a group each argument is one existing topic.
  for (const topic of topics) (flags.group === undefined ? checkTopicName : checkTopicPattern)(topic);
  if (flags.group !== undefined && flags.partition !== undefined) {
    throw new UsageError('-p/--partition cannot be combined with --group: the group assigns partitions to its members');
  }
  const now = Date.now();
  const from = parseOffsetSpec(flags.from ?? (flags.group !== undefined ? 'stored' : 'beginning'), now, '--from');
  if (from.kind === 'stored' && flags.group === undefined) throw new UsageError('--from stored needs --group');
  const until = flags.until === undefined ? null : parseUntilSpec(flags.until, now);
  const filter = compileRecordFilter({
    ...(flags.grep === undefined ? {} : { grep: flags.grep }),
    ...(flags.grepKey === undefined ? {} : { grepKey: flags.grepKey }),
    ...(flags.grepHeader === undefined ? {} : { grepHeader: flags.grepHeader }),
  });
  return {
    topics: [...new Set(topics)],
    positions: {
      from,
      until,
      exitAtEnd: flags.exitAtEnd === true,
      partitions: flags.partition === undefined ? null : [...new Set(flags.partition.map((p) => parseNonNegativeInt(p, '--partition')))],
    },
    writer: {
      format: compileRecordFormat(flags.format),
      valueOnly: flags.format === 'value',
      filter,
      count: flags.count === undefined ? null : parsePositiveInt(flags.count, '--count'),
      untilTimestamp: until?.kind === 'timestamp' ? until.timestampMs : null,
    },
  };
}
