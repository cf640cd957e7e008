// Group administration: ListGroups, DescribeGroups, DeleteGroups and ResetGroupOffsets (the
// broker side of `spool group`). Shapes are those of SPEC §4's group JSON outputs.
//
//   ListGroups Request         => {}
//   ListGroups Response        => { groups: [GroupSummary] }
//   DescribeGroups Request     => { group }
//   DescribeGroups Response    => GroupDescription
//   DeleteGroups Request       => { group }           refused (NonEmptyGroup) while it has members
//   ResetGroupOffsets Request  => { group, topic, partitions?: [int], to: ResetTarget, execute }
//   ResetGroupOffsets Response => { plan: [{topic, partition, oldOffset, newOffset}], executed }
//     refused (NonEmptyGroup) while the group has members, dry run or not
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { asObject, boolField, intArrayField, intField, stringField } from '../validate.js';

export type GroupStateName = 'empty' | 'rebalancing' | 'stable' | 'dead';

export interface GroupSummary {
  group: string;
  state: GroupStateName;
  members: number;
  topics: string[];
  lag: number;
}

export interface GroupMemberDescription {
  memberId: string;
  clientId: string;
  /** null for a Kafka client (it does not tell its pid). */
  pid: number | null;
  host: string;
  assignment: Array<{ topic: string; partition: number }>;
}

export interface GroupPartitionDescription {
  topic: string;
  partition: number;
  committedOffset: number | null;
  logEndOffset: number;
  lag: number;
  memberId: string | null;
  clientId: string | null;
  pid: number | null;
}

/**
 * One partition's row of a group description: lag counts from the committed offset, or from the
 * log start when nothing is committed (what a member starting at earliest would read).
 */
export function groupPartitionRow(
  tp: { topic: string; partition: number },
  committedOffset: number | null,
  log: { logStartOffset: number; logEndOffset: number } | undefined,
  owner: { memberId: string; clientId: string; pid: number | null } | undefined,
): GroupPartitionDescription {
  const logEndOffset = log?.logEndOffset ?? committedOffset ?? 0;
  return {
    topic: tp.topic,
    partition: tp.partition,
    committedOffset,
    logEndOffset,
    lag: Math.max(0, logEndOffset - (committedOffset ?? log?.logStartOffset ?? 0)),
    memberId: owner?.memberId ?? null,
    clientId: owner?.clientId ?? null,
    pid: owner?.pid ?? null,
  };
}

export interface GroupDescription {
  group: string;
  state: GroupStateName;
  generation: number;
  members: GroupMemberDescription[];
  partitions: GroupPartitionDescription[];
}

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; timestampMs: number }
  | { kind: 'shift'; by: number };

export interface ResetGroupOffsetsRequest {
  group: string;
  topic: string;
  partitions?: number[];
  to: ResetTarget;
  execute: boolean;
}

export interface ResetPlanEntry {
  topic: string;
  partition: number;
  oldOffset: number | null;
  newOffset: number;
}

export interface ResetGroupOffsetsResponse {
  plan: ResetPlanEntry[];
  executed: boolean;
}

export function parseGroupNameRequest(value: unknown): { group: string } {
  return { group: stringField(asObject(value), 'group') };
}

export function parseResetGroupOffsetsRequest(value: unknown): ResetGroupOffsetsRequest {
  const o = asObject(value);
  const partitions = intArrayField(o, 'partitions');
  return {
    group: stringField(o, 'group'),
    topic: stringField(o, 'topic'),
    ...(partitions === undefined ? {} : { partitions }),
    to: parseResetTarget(o.to),
    execute: boolField(o, 'execute'),
  };
}

function parseResetTarget(value: unknown): ResetTarget {
  const o = asObject(value, 'to');
  const kind = stringField(o, 'kind');
  switch (kind) {
    case 'earliest':
    case 'latest':
      return { kind };
    case 'offset':
      return { kind, offset: intField(o, 'offset') };
    case 'timestamp':
      return { kind, timestampMs: intField(o, 'timestampMs') };
    case 'shift':
      return { kind, by: intField(o, 'by') };
    default:
      throw new SpoolError(`invalid request: unknown reset target "${kind}"`, { code: ErrorCode.InvalidRequest });
  }
}
