// `spool group reset`: turning its flags into a ResetGroupOffsets request (one topic, optional
// partitions, exactly one target) and printing the plan the broker answers with. All flag
// checks happen here, before anything is sent, so a bad value is a usage error (exit 2).
import { UsageError } from '../../common/errors.js';
import type { ResetPlanEntry, ResetTarget } from '../../protocol/messages/group-admin.js';
import { renderTable } from '../../term/table.js';
import { parseInteger, parseNonNegativeInt } from '../options/numbers.js';
import { parseDurationMs, parseTimeMs } from '../../common/offset-spec.js';
import { checkTopicName } from '../options/topic-name.js';

export interface ResetTargetFlags {
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: string;
  toDatetime?: string;
  byDuration?: string;
  shiftBy?: string;
}

const TARGET_FLAGS = '--to-earliest, --to-latest, --to-offset N, --to-datetime ISO, --by-duration DUR or --shift-by N';

/**
 * The one target the flags name; `nowMs` resolves --by-duration (DUR before now) and a duration
 * given to --to-datetime, once, for every partition.
 */
export function parseResetTarget(flags: ResetTargetFlags, nowMs: number): ResetTarget {
  const targets: ResetTarget[] = [];
  if (flags.toEarliest === true) targets.push({ kind: 'earliest' });
  if (flags.toLatest === true) targets.push({ kind: 'latest' });
  if (flags.toOffset !== undefined) targets.push({ kind: 'offset', offset: parseNonNegativeInt(flags.toOffset, '--to-offset') });
  if (flags.toDatetime !== undefined) targets.push({ kind: 'timestamp', timestampMs: parseDatetime(flags.toDatetime, nowMs) });
  if (flags.byDuration !== undefined) {
    targets.push({ kind: 'timestamp', timestampMs: Math.max(0, nowMs - parseDurationMs(flags.byDuration, '--by-duration')) });
  }
  if (flags.shiftBy !== undefined) targets.push({ kind: 'shift', by: parseInteger(flags.shiftBy, '--shift-by') });
  const [target, ...more] = targets;
  if (target === undefined) throw new UsageError(`say where to reset to: give one of ${TARGET_FLAGS}`);
  if (more.length > 0) throw new UsageError(`give only one of ${TARGET_FLAGS}`);
  return target;
}

function parseDatetime(text: string, nowMs: number): number {
  const ms = parseTimeMs(text.startsWith('@') ? text.slice(1) : text, nowMs);
  if (ms === undefined) {
    throw new UsageError(`invalid --to-datetime value "${text}": use ISO-8601 (2026-11-24T10:00:00Z) or epoch milliseconds`);
  }
  return ms;
}

export interface TopicSelection {
  topic: string;
  /** Undefined: every partition of the topic. */
  partitions?: number[];
}

/** `--topic T` or `--topic T:P[,P...]` (a topic name never holds a ':'). */
export function parseTopicSelection(text: string): TopicSelection {
  const colon = text.indexOf(':');
  const topic = colon < 0 ? text : text.slice(0, colon);
  checkTopicName(topic);
  if (colon < 0) return { topic };
  const list = text.slice(colon + 1);
  if (list === '') throw new UsageError(`invalid --topic value "${text}": give partitions after the colon, e.g. ${topic}:0,2`);
  const partitions = list.split(',').map((p) => parseNonNegativeInt(p, '--topic partition'));
  return { topic, partitions: [...new Set(partitions)].sort((a, b) => a - b) };
}

/** TOPIC PARTITION OLD NEW; OLD is `-` for a partition the group never committed. */
export function renderResetPlan(plan: readonly ResetPlanEntry[]): string {
  return renderTable(
    [{ header: 'TOPIC' }, { header: 'PARTITION', align: 'right' }, { header: 'OLD', align: 'right' }, { header: 'NEW', align: 'right' }],
    plan.map((p) => [p.topic, String(p.partition), p.oldOffset === null ? '-' : String(p.oldOffset), String(p.newOffset)]),
  );
}
