// Consumer groups in e2e tests: members are real `spool consume T -g G` processes printing
// `PARTITION OFFSET VALUE` lines, and what the broker thinks of the group is read with
// `spool group describe G --json`, polled until a condition holds (never a fixed sleep).
import assert from 'node:assert/strict';
import type { GroupDescription, GroupSummary } from '../../src/protocol/messages/group-admin.js';
import { assertExit, stdoutLines, type SpoolProcess } from './spool-cli.js';
import type { SpoolSandbox } from './spool-sandbox.js';

export type { GroupDescription, GroupSummary };

/** What every member prints per record: partition, offset, value. */
export const MEMBER_FORMAT = '%p %o %s\\n';
const POLL_MS = 100;
export const WAIT_MS = 30_000;

export interface PrintedRecord {
  partition: number;
  offset: number;
  value: string;
}

/** Start `spool consume TOPIC -g GROUP` (plus `args`) as a member that prints MEMBER_FORMAT. */
export function startMember(sandbox: SpoolSandbox, topic: string, group: string, args: readonly string[] = []): SpoolProcess {
  return sandbox.spawn(['consume', topic, '-g', group, '-f', MEMBER_FORMAT, ...args], { stdin: 'ignore' });
}

/** The records a member printed so far. */
export function printedRecords(member: SpoolProcess): PrintedRecord[] {
  return stdoutLines({ code: null, signal: null, stdout: member.stdout, stderr: '' }).map((line) => {
    const [partition, offset, ...value] = line.split(' ');
    return { partition: Number(partition), offset: Number(offset), value: value.join(' ') };
  });
}

/** SIGTERM (a clean stop: commit and leave) and expect exit 0. */
export async function stopMember(member: SpoolProcess): Promise<void> {
  member.kill('SIGTERM');
  const result = await member.finish(WAIT_MS);
  assertExit(result, 0, `member ${member.pid} stopped with SIGTERM`);
}

export async function describeGroup(sandbox: SpoolSandbox, group: string): Promise<GroupDescription> {
  const result = await sandbox.run(['group', 'describe', group, '--json']);
  assertExit(result, 0, `group describe ${group} --json`);
  return JSON.parse(result.stdout.toString('utf8')) as GroupDescription;
}

/** As describeGroup, but null while the group does not exist yet (its first member is joining). */
async function describeIfExists(sandbox: SpoolSandbox, group: string): Promise<GroupDescription | null> {
  const result = await sandbox.run(['group', 'describe', group, '--json']);
  if (result.code === 1 && result.stderr === `spool: group "${group}" does not exist\n`) return null;
  assertExit(result, 0, `group describe ${group} --json`);
  return JSON.parse(result.stdout.toString('utf8')) as GroupDescription;
}

export async function listGroups(sandbox: SpoolSandbox): Promise<GroupSummary[]> {
  const result = await sandbox.run(['group', 'list', '--json']);
  assertExit(result, 0, 'group list --json');
  return JSON.parse(result.stdout.toString('utf8')) as GroupSummary[];
}

/**
 * Poll `group describe --json` until `ready` holds; returns that description and the time from
 * `sinceMs` (default: the call) to the answer of the describe that first showed it.
 */
export async function waitForGroup(
  sandbox: SpoolSandbox,
  group: string,
  ready: (d: GroupDescription) => boolean,
  what: string,
  options: { sinceMs?: number; timeoutMs?: number } = {},
): Promise<{ description: GroupDescription; elapsedMs: number }> {
  const since = options.sinceMs ?? Date.now();
  const deadline = Date.now() + (options.timeoutMs ?? WAIT_MS);
  let last: GroupDescription | null = null;
  for (;;) {
    last = await describeIfExists(sandbox, group);
    // Measured when the answer is in: an upper bound (a describe takes a process start).
    if (last !== null && ready(last)) return { description: last, elapsedMs: Date.now() - since };
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last describe: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Assignment sizes of the members, smallest first: [1, 1, 2, 2]. */
export function assignmentSizes(d: GroupDescription): number[] {
  return d.members.map((m) => m.assignment.length).sort((a, b) => a - b);
}

/** Stable, with these members (by pid) and these assignment sizes. */
export function settledAs(pids: readonly (number | null)[], sizes: readonly number[]): (d: GroupDescription) => boolean {
  return (d) =>
    d.state === 'stable' &&
    sameNumbers(d.members.map((m) => m.pid), pids) &&
    sameNumbers(assignmentSizes(d), sizes) &&
    d.partitions.every((p) => p.memberId !== null);
}

/** Every partition committed up to its end (an empty one needs no commit): caught up and committed. */
export function caughtUp(d: GroupDescription): boolean {
  return d.partitions.length > 0 && d.partitions.every((p) => p.lag === 0 && (p.committedOffset ?? 0) === p.logEndOffset);
}

/** Produce `values` to `topic`, each with its own key (`KEY:VALUE` lines), so they spread. */
export async function produceKeyed(sandbox: SpoolSandbox, topic: string, values: readonly string[]): Promise<void> {
  const input = values.map((v) => `key-${v}:${v}\n`).join('');
  assertExit(await sandbox.run(['produce', topic, '-K:', '--quiet'], { input }), 0, `produce ${values.length} to ${topic}`);
}

/** `prefix + i` for i in [from, to). */
export function values(prefix: string, from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);
}

/** How often each value was printed across members. */
export function countValues(members: readonly SpoolProcess[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const member of members) for (const r of printedRecords(member)) counts.set(r.value, (counts.get(r.value) ?? 0) + 1);
  return counts;
}

function sameNumbers(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  const x = [...a].sort((p, q) => (p ?? -1) - (q ?? -1));
  const y = [...b].sort((p, q) => (p ?? -1) - (q ?? -1));
  return x.length === y.length && x.every((n, i) => n === y[i]);
}
