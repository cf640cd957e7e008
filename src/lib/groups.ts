// client.groups (SPEC §10): consumer group administration, answering with the objects that
// `spool group … --json` prints (SPEC §4). reset() is `group reset`: a plan, applied only with
// `execute: true`, refused while the group has members.
import { groupDescriptionJson, groupListJson } from '../client/admin-json.js';
import type { TargetAdmin } from '../client/target/target.js';
import { UsageError } from '../common/errors.js';
import { parseDurationMs } from '../common/offset-spec.js';
import type { GroupDescription, GroupSummary, ResetGroupOffsetsResponse, ResetTarget } from '../protocol/messages/group-admin.js';
import { translated } from './errors.js';
import { checkGroupName, checkTopicName } from './names.js';
import { nonNegativeInt, timeMs, type TimeInput } from './topics.js';

/** Where `reset` moves the committed offsets (one of `group reset`'s --to-… flags). */
export type ResetTo =
  | 'earliest'
  | 'latest'
  | { offset: number }
  | { datetime: TimeInput }
  | { duration: string }
  | { shiftBy: number };

export interface ResetOptions {
  topic: string;
  /** Only these partitions (default: every partition of the topic). */
  partitions?: number[];
  to: ResetTo;
  /** Apply the plan (without it nothing changes, as without --execute). */
  execute?: boolean;
}

export class Groups {
  readonly #admin: () => Promise<TargetAdmin>;

  constructor(admin: () => Promise<TargetAdmin>) {
    this.#admin = admin;
  }

  /** `group list --json`. */
  list(): Promise<GroupSummary[]> {
    return translated(async () => {
      const admin = await this.#admin();
      return groupListJson(await admin.listGroups());
    });
  }

  /** `group describe --json`. */
  describe(group: string): Promise<GroupDescription> {
    return translated(async () => {
      checkGroupName(group);
      const admin = await this.#admin();
      return groupDescriptionJson(await admin.describeGroup(group));
    });
  }

  /** `group reset`: the plan (old and new offset per partition) and whether it was executed. */
  reset(group: string, options: ResetOptions): Promise<ResetGroupOffsetsResponse> {
    return translated(async () => {
      checkGroupName(group);
      checkTopicName(options.topic);
      const to = resetTarget(options.to);
      const partitions = options.partitions === undefined ? undefined : [...new Set(options.partitions.map((p) => nonNegativeInt(p, 'partition')))].sort((a, b) => a - b);
      return (await this.#admin()).resetGroupOffsets({
        group,
        topic: options.topic,
        ...(partitions === undefined ? {} : { partitions }),
        to,
        execute: options.execute === true,
      });
    });
  }

  /** Delete a group and its committed offsets (only when it has no members). */
  delete(group: string): Promise<void> {
    return translated(async () => {
      await (await this.#admin()).deleteGroup(checkGroupName(group));
    });
  }
}

const TARGETS = "'earliest', 'latest', {offset}, {datetime}, {duration} or {shiftBy}";

function resetTarget(to: ResetTo): ResetTarget {
  if (to === 'earliest' || to === 'latest') return { kind: to };
  if (typeof to !== 'object' || to === null) throw new UsageError(`say where to reset to: give to as one of ${TARGETS}`);
  const keys = Object.keys(to);
  if (keys.length !== 1) throw new UsageError(`give only one of ${TARGETS}`);
  if ('offset' in to) return { kind: 'offset', offset: nonNegativeInt(to.offset, 'offset') };
  if ('datetime' in to) return { kind: 'timestamp', timestampMs: timeMs(to.datetime, 'datetime') };
  if ('duration' in to) return { kind: 'timestamp', timestampMs: Math.max(0, Date.now() - parseDurationMs(String(to.duration), 'duration')) };
  if ('shiftBy' in to) {
    if (!Number.isSafeInteger(to.shiftBy)) throw new UsageError(`invalid shiftBy ${String(to.shiftBy)}: use an integer`);
    return { kind: 'shift', by: to.shiftBy };
  }
  throw new UsageError(`say where to reset to: give to as one of ${TARGETS}`);
}
