// The objects the admin commands print with --json (SPEC §4), made once for the CLI and the
// library: camelCase, numbers as numbers, timestamps as epoch milliseconds, keys in SPEC order.
import type { PartitionDescription, TopicDescription } from '../protocol/messages/describe-topics.js';
import type { GroupDescription, GroupSummary } from '../protocol/messages/group-admin.js';

/** `topic list --json`: one per topic. */
export interface TopicSummary {
  name: string;
  partitions: number;
  messages: number;
  bytes: number;
}

/** `topic describe --json` (traffic counters are for `spool top`, not here). */
export interface TopicDescriptionJson {
  name: string;
  configs: Record<string, string | number>;
  /** Config keys left at their default. */
  defaults: string[];
  partitions: PartitionDescription[];
}

export function topicSummary(t: TopicDescription): TopicSummary {
  let messages = 0;
  let bytes = 0;
  for (const p of t.partitions) {
    messages += p.logEndOffset - p.logStartOffset;
    bytes += p.bytes;
  }
  return { name: t.name, partitions: t.partitions.length, messages, bytes };
}

export function topicDescriptionJson(t: TopicDescription): TopicDescriptionJson {
  return { name: t.name, configs: configsAsJson(t.configs), defaults: t.defaults, partitions: t.partitions };
}

/** Configs whose values are names, never numbers (a group may be called 42). */
const TEXT_CONFIGS = new Set(['cleanup.policy', 'retention.groups']);

/** Numbers as numbers (configs travel as strings; cleanup.policy and retention.groups stay them). */
function configsAsJson(configs: Record<string, string>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, !TEXT_CONFIGS.has(k) && /^-?\d+$/.test(v) ? Number(v) : v]));
}

/** `group list --json`: `[{group, state, members, topics, lag}]`. */
export function groupListJson(groups: readonly GroupSummary[]): GroupSummary[] {
  return groups.map((g) => ({ group: g.group, state: g.state, members: g.members, topics: [...g.topics], lag: g.lag }));
}

/** `group describe --json`, keys in SPEC §4's order. */
export function groupDescriptionJson(d: GroupDescription): GroupDescription {
  return {
    group: d.group,
    state: d.state,
    generation: d.generation,
    members: d.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      pid: m.pid,
      host: m.host,
      assignment: m.assignment.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
    })),
    partitions: d.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      committedOffset: p.committedOffset,
      logEndOffset: p.logEndOffset,
      lag: p.lag,
      memberId: p.memberId,
      clientId: p.clientId,
      pid: p.pid,
    })),
  };
}
