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

/** `group reset`'s target flags, by their names, for a program that thinks in them. */
export interface ResetFlags {
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  toDatetime?: TimeInput;
  byDuration?: string;
  shiftBy?: number;
}

export interface ResetOptions extends ResetFlags {
  /** The topic, or as `--topic` takes it with partitions: `T:0,2`. */
  topic: string;
  /** Only these partitions (default: every partition of the topic, or those of `T:P,…`). */
  partitions?: number[];
  /** Where to (or one of the ResetFlags instead). */
  to?: ResetTo;
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
      const { topic, partitions: listed } = topicSelection(options.topic);
      const to = resetTarget(options.to ?? flagTarget(options));
      const chosen = options.partitions ?? listed;
      const partitions = chosen === undefined ? undefined : [...new Set(chosen.map((p) => nonNegativeInt(p, 'partition')))].sort((a, b) => a - b);
      return (await this.#admin()).resetGroupOffsets({
        group,
        topic,
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

const TARGETS = "'earliest', 'latest', {offset}, {datetime}, {duration} or {shiftBy} (or one of toEarliest, toLatest, toOffset, toDatetime, byDuration, shiftBy)";

/** `T` or `T:P[,P…]`, as `--topic` takes it (a topic name never holds a ':'). */
function topicSelection(text: string): { topic: string; partitions?: number[] } {
  if (typeof text !== 'string') throw new UsageError('reset needs the topic: { topic: NAME }');
  const colon = text.indexOf(':');
  if (colon < 0) return { topic: checkTopicName(text) };
  const topic = checkTopicName(text.slice(0, colon));
  const list = text.slice(colon + 1);
  if (!/^\d+(,\d+)*$/.test(list)) throw new UsageError(`invalid topic "${text}": give partitions after the colon, e.g. ${topic}:0,2`);
  return { topic, partitions: list.split(',').map(Number) };
}

/** The one target the flag-named options give (none or several: the error of `group reset`). */
function flagTarget(flags: ResetFlags): ResetTo {
  const targets: ResetTo[] = [];
  if (flags.toEarliest === true) targets.push('earliest');
  if (flags.toLatest === true) targets.push('latest');
  if (flags.toOffset !== undefined) targets.push({ offset: flags.toOffset });
  if (flags.toDatetime !== undefined) targets.push({ datetime: flags.toDatetime });
  if (flags.byDuration !== undefined) targets.push({ duration: flags.byDuration });
  if (flags.shiftBy !== undefined) targets.push({ shiftBy: flags.shiftBy });
  const [target, ...more] = targets;
  if (target === undefined) throw new UsageError(`say where to reset to: give to as one of ${TARGETS}`);
  if (more.length > 0) throw new UsageError(`give only one of ${TARGETS}`);
  return target;
}

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
