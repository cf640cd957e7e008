// What `spool group list|describe|reset|delete` run (SPEC §3 group), loaded when one of them
// runs; their flags and help are in group.ts.
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { say, withAdmin } from '../admin-session.js';
import { groupDescriptionJson, groupListJson } from '../../client/admin-json.js';
import { renderGroupDescription, renderGroupList } from '../../term/group-tables.js';
import { parseResetTarget, parseTopicSelection, renderResetPlan, type ResetTargetFlags } from '../group/reset-plan.js';
import { globalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';

export async function groupList(flags: { json?: boolean }, command: Command, io: CliIo): Promise<void> {
  await withAdmin(command, io, async (admin) => {
    const groups = await admin.listGroups();
    io.stdout.write(flags.json ? JSON.stringify(groupListJson(groups)) + '\n' : renderGroupList(groups));
  });
    }

export async function groupDescribe(name: string, flags: { json?: boolean; watch?: boolean }, command: Command, io: CliIo): Promise<void> {
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
    }

export async function groupReset(name: string, flags: ResetTargetFlags & { topic: string; execute?: boolean }, command: Command, io: CliIo): Promise<void> {
  checkGroupName(name);
  const selection = parseTopicSelection(flags.topic);
  const to = parseResetTarget(flags, Date.now());
  await withAdmin(command, io, async (admin, globals) => {
    const result = await admin.resetGroupOffsets({ group: name, ...selection, to, execute: flags.execute === true });
    io.stdout.write(renderResetPlan(result.plan));
    say(io, globals, result.executed ? `offsets of group ${name} reset` : 'dry run: nothing changed (add --execute to apply)');
  });
    }

export async function groupDelete(name: string, command: Command, io: CliIo): Promise<void> {
  checkGroupName(name);
  await withAdmin(command, io, async (admin, globals) => {
    await admin.deleteGroup(name);
    say(io, globals, `deleted group ${name}`);
  });
    }

function checkGroupName(name: string): string {
  if (name === '') throw new UsageError('the group name is empty');
  return name;
}
