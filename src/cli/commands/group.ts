// spool group list|describe|reset|delete (SPEC §3 group, §4, §5): consumer groups as the broker's
// GroupCoordinator sees them, their lag, and the offsets they will resume from.
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { say, withAdmin } from '../admin-session.js';
import { groupDescriptionJson, groupListJson } from '../../client/admin-json.js';
import { renderGroupDescription, renderGroupList } from '../../term/group-tables.js';
import { parseResetTarget, parseTopicSelection, renderResetPlan, type ResetTargetFlags } from '../group/reset-plan.js';
import { globalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { subcommand } from '../program.js';

function checkGroupName(name: string): string {
  if (name === '') throw new UsageError('the group name is empty');
  return name;
}

export function registerGroup(program: Command, io: CliIo): void {
  const group = subcommand(program, 'group', 'list, describe, reset and delete consumer groups').addHelpText(
    'after',
    '\nExamples:\n  spool group list\n  spool group describe workers --watch\n  spool group reset workers --topic logs --to-earliest --execute\n\nMembers join with `spool consume TOPIC -g GROUP`.\n',
  );

  subcommand(group, 'list', 'list groups with state, members, topics and lag')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  spool group list\n  spool group list --json | jq -r \'.[] | select(.state == "empty") | .group\'\n')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withAdmin(command, io, async (admin) => {
        const groups = await admin.listGroups();
        io.stdout.write(flags.json ? JSON.stringify(groupListJson(groups)) + '\n' : renderGroupList(groups));
      });
    });

  subcommand(group, 'describe', 'show members and, per partition, committed offset, end offset, lag and owner')
    .argument('<group>', 'group name')
    .option('--json', 'print JSON (with --watch: one line per refresh)')
    .option('--watch', 'refresh every second until Ctrl-C (a live view on a terminal)')
    .addHelpText('after', '\nExamples:\n  spool group describe workers\n  spool group describe workers --watch\n  spool group describe workers --json | jq .partitions\n')
    .action(async (name: string, flags: { json?: boolean; watch?: boolean }, command: Command) => {
      checkGroupName(name);
      if (flags.watch === true) {
        const { watchGroup } = await import('../group/watch-group.js');
        await watchGroup(name, flags.json === true, globalOptions(command, io), io);
        return;
      }
      await withAdmin(command, io, async (admin) => {
        const description = await admin.describeGroup(name);
        io.stdout.write(flags.json ? JSON.stringify(groupDescriptionJson(description)) + '\n' : renderGroupDescription(description));
      });
    });

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
    .action(async (name: string, flags: ResetTargetFlags & { topic: string; execute?: boolean }, command: Command) => {
      checkGroupName(name);
      const selection = parseTopicSelection(flags.topic);
      const to = parseResetTarget(flags, Date.now());
      await withAdmin(command, io, async (admin, globals) => {
        const result = await admin.resetGroupOffsets({ group: name, ...selection, to, execute: flags.execute === true });
        io.stdout.write(renderResetPlan(result.plan));
        say(io, globals, result.executed ? `offsets of group ${name} reset` : 'dry run: nothing changed (add --execute to apply)');
      });
    });

  subcommand(group, 'delete', 'delete a group and its committed offsets; the group must have no members')
    .argument('<group>', 'group name')
    .addHelpText('after', '\nExample:\n  spool group delete old-workers\n')
    .action(async (name: string, _flags: unknown, command: Command) => {
      checkGroupName(name);
      await withAdmin(command, io, async (admin, globals) => {
        await admin.deleteGroup(name);
        say(io, globals, `deleted group ${name}`);
      });
    });
}
