// spool group list|describe|reset|delete (SPEC §3 group, §4, §5): consumer groups as the broker's
// GroupCoordinator sees them, their lag, and the offsets they will resume from. Their flags and help;
// what each runs is in group-actions.ts, imported when it runs.
import type { Command } from 'commander';
import type { ResetTargetFlags } from '../group/reset-plan.js';
import type { CliIo } from '../../term/io.js';
import { subcommand } from '../program.js';

export function registerGroup(program: Command, io: CliIo): void {
  const group = subcommand(program, 'group', 'list, describe, reset and delete consumer groups').addHelpText(
    'after',
    '\nExamples:\n  spool group list\n  spool group describe workers --watch\n  spool group reset workers --topic logs --to-earliest --execute\n\nMembers join with `spool consume TOPIC -g GROUP`.\n',
  );

  subcommand(group, 'list', 'list groups with state, members, topics and lag')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  spool group list\n  spool group list --json | jq -r \'.[] | select(.state == "empty") | .group\'\n')
    .action(async (flags: { json?: boolean }, command: Command) => (await import('./group-actions.js')).groupList(flags, command, io));

  subcommand(group, 'describe', 'show members and, per partition, committed offset, end offset, lag and owner')
    .argument('<group>', 'group name')
    .option('--json', 'print JSON (with --watch: one line per refresh)')
    .option('--watch', 'refresh every second until Ctrl-C (a live view on a terminal)')
    .addHelpText('after', '\nExamples:\n  spool group describe workers\n  spool group describe workers --watch\n  spool group describe workers --json | jq .partitions\n')
    .action(async (name: string, flags: { json?: boolean; watch?: boolean }, command: Command) => (await import('./group-actions.js')).groupDescribe(name, flags, command, io));

  subcommand(group, 'reset', 'plan or (with --execute) apply new committed offsets; the group must have no members')
    .argument('<group>', 'group name')
    .requiredOption('--topic <topic[:p,...]>', 'the topic, or some of its partitions: T:0,2')
    .option('--to-earliest', 'to the log start offset')
    .option('--to-latest', 'to the log end offset (skip everything there is now)')
    .option('--to-offset <n>', 'to offset N (kept within the log)')
    .option('--to-datetime <time>', 'to the first offset at or after TIME: ISO-8601 or epoch ms')
    .option('--by-duration <dur>', 'to the first offset at or after DUR ago: 90s, 10m, 2h, 7d')
    .option('--shift-by <n>', 'move the committed offset by N (negative: back), kept within the log')
    .option('--execute', 'apply the plan (without it nothing changes)')
    .addHelpText(
      'after',
      `
Examples:
  spool group reset workers --topic logs --to-earliest             print the plan only
  spool group reset workers --topic logs --to-earliest --execute   apply it
  spool group reset workers --topic logs:0,2 --shift-by -100 --execute
  spool group reset workers --topic logs --by-duration 1h --execute
  spool group reset workers --topic logs --to-datetime 2026-11-24T10:00:00Z

Stop the group's consumers first: a group with members is refused.`,
    )
    .action(async (name: string, flags: ResetTargetFlags & { topic: string; execute?: boolean }, command: Command) => (await import('./group-actions.js')).groupReset(name, flags, command, io));

  subcommand(group, 'delete', 'delete a group and its committed offsets; the group must have no members')
    .argument('<group>', 'group name')
    .addHelpText('after', '\nExample:\n  spool group delete old-workers\n')
    .action(async (name: string, _flags: unknown, command: Command) => (await import('./group-actions.js')).groupDelete(name, command, io));
}
