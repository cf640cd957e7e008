// spool topic create|list|describe|alter|delete|trim|offsets (SPEC §3 topic): their flags and help.
// What each runs is in topic-actions.ts, imported when it runs.
import type { Command } from 'commander';
import type { CliIo } from '../../term/io.js';
import { collect } from '../options/collect.js';
import { subcommand } from '../program.js';

export function registerTopic(program: Command, io: CliIo): void {
  const topic = subcommand(program, 'topic', 'create, list, describe, alter, trim and delete topics').addHelpText(
    'after',
    '\nExamples:\n  spool topic create logs -p 3 --config retention.ms=86400000\n  spool topic list\n  spool topic describe logs --json\n  spool topic trim logs --before @7d\n',
  );

  subcommand(topic, 'create', 'create a topic')
    .argument('<name>', 'topic name: 1-249 of A-Z a-z 0-9 . _ -')
    .option('-p, --partitions <n>', 'number of partitions', '1')
    .option('--config <key=value>', 'topic config (repeatable), e.g. retention.ms=3600000', collect)
    .option('--if-not-exists', 'succeed quietly when the topic exists')
    .addHelpText('after', '\nExamples:\n  spool topic create logs -p 3\n  spool topic create state --config cleanup.policy=compact\n')
    .action(async (name: string, flags: { partitions: string; config?: string[]; ifNotExists?: boolean }, command: Command) => (await import('./topic-actions.js')).topicCreate(name, flags, command, io));

  subcommand(topic, 'list', 'list topics with partitions, messages and bytes')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  spool topic list\n  spool topic list --json | jq -r ".[].name"\n')
    .action(async (flags: { json?: boolean }, command: Command) => (await import('./topic-actions.js')).topicList(flags, command, io));

  subcommand(topic, 'describe', 'show configs and per-partition offsets, segments, bytes, timestamps and what holds retention')
    .argument('<name>', 'topic name')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  spool topic describe logs\n')
    .action(async (name: string, flags: { json?: boolean }, command: Command) => (await import('./topic-actions.js')).topicDescribe(name, flags, command, io));

  subcommand(topic, 'alter', 'change configs (KEY= removes an override) or grow the partition count')
    .argument('<name>', 'topic name')
    .option('--config <key=value>', 'topic config (repeatable); an empty value restores the default', collect)
    .option('-p, --partitions <n>', 'new partition count (can only grow)')
    .addHelpText('after', '\nExamples:\n  spool topic alter logs --config retention.ms=86400000\n  spool topic alter logs -p 6\n')
    .action(async (name: string, flags: { config?: string[]; partitions?: string }, command: Command) => (await import('./topic-actions.js')).topicAlter(name, flags, command, io));

  subcommand(topic, 'delete', 'delete a topic, its data and its committed offsets')
    .argument('<name>', 'topic name')
    .addHelpText('after', '\nExample:\n  spool topic delete scratch\n')
    .action(async (name: string, _flags: unknown, command: Command) => (await import('./topic-actions.js')).topicDelete(name, command, io));

  subcommand(topic, 'trim', 'delete records before an offset or a time (raises the log start offset)')
    .argument('<name>', 'topic name')
    .requiredOption('--before <N|@time>', 'offset N, or @TIME: @ISO-8601, @epoch-ms or @duration-ago (@7d)')
    .option('-p, --partition <n>', 'only partition N (repeatable; default: every partition)', collect)
    .addHelpText('after', '\nExamples:\n  spool topic trim logs --before 100000\n  spool topic trim logs --before @7d\n  spool topic trim logs --before @2026-11-01T00:00:00Z -p 0\n')
    .action(async (name: string, flags: { before: string; partition?: string[] }, command: Command) => (await import('./topic-actions.js')).topicTrim(name, flags, command, io));

  subcommand(topic, 'offsets', 'log start and end offsets per partition, or the first offset at or after a time')
    .argument('<name>', 'topic name')
    .option('--at <@time>', 'first offset at or after TIME: @ISO-8601, @epoch-ms or @duration-ago (@10m)')
    .option('--json', 'print JSON')
    .addHelpText('after', "\nExamples:\n  spool topic offsets logs\n  spool topic offsets logs --at @2026-11-24T10:00:00Z\n  spool topic offsets logs --at @1h\n")
    .action(async (name: string, flags: { at?: string; json?: boolean }, command: Command) => (await import('./topic-actions.js')).topicOffsets(name, flags, command, io));
}
