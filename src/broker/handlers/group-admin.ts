// ListGroups, DescribeGroups, DeleteGroups and ResetGroupOffsets: the broker side of `spool
// group`. Lag is the log end offset minus the committed offset (minus the log start when
// nothing is committed yet).
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import {
  groupPartitionRow,
  parseGroupNameRequest,
  parseResetGroupOffsetsRequest,
  type GroupDescription,
  type GroupPartitionDescription,
  type GroupSummary,
  type ResetGroupOffsetsResponse,
  type ResetTarget,
} from '../../protocol/messages/group-admin.js';
import type { PartitionLog } from '../../storage/partition-log.js';
import type { BrokerContext } from '../broker-context.js';
import { compareTp, tpKey, type TopicPartition } from '../group-assignor.js';
import type { GroupOverview } from '../group-directory.js';
import { jsonHandler, noParams } from './handler.js';

/** Per partition the group reads or has committed: offsets, lag and owner. */
export function describeGroup(ctx: BrokerContext, group: GroupOverview): GroupDescription {
  const stored = ctx.groupDirectory.store.offsets(group.name);
  const committed = new Map(stored.map((o) => [tpKey(o), o.offset]));
  const owners = new Map<string, { memberId: string; clientId: string; pid: number | null }>();
  const keys = new Map<string, TopicPartition>();
  for (const tp of group.subscribed) keys.set(tpKey(tp), tp);
  for (const m of group.members) {
    for (const tp of m.listedPartitions) {
      owners.set(tpKey(tp), { memberId: m.memberId, clientId: m.clientId, pid: m.pid });
      keys.set(tpKey(tp), { topic: tp.topic, partition: tp.partition });
    }
  }
  for (const o of stored) keys.set(tpKey(o), { topic: o.topic, partition: o.partition });
  const partitions: GroupPartitionDescription[] = [...keys.values()].sort(compareTp).map((tp) => {
    const log = ctx.logs.topic(tp.topic)?.partitions[tp.partition];
    const bounds = log === undefined ? undefined : { logStartOffset: log.logStartOffset, logEndOffset: log.nextOffset };
    return groupPartitionRow(tp, committed.get(tpKey(tp)) ?? null, bounds, owners.get(tpKey(tp)));
  });
  return {
    group: group.name,
    state: group.state,
    generation: group.generation,
    members: group.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      pid: m.pid,
      host: m.host,
      assignment: [...m.assignment].sort(compareTp).map((tp) => ({ topic: tp.topic, partition: tp.partition })),
    })),
    partitions,
  };
}

export const handleListGroups = jsonHandler(noParams, (ctx): { groups: GroupSummary[] } => ({
  groups: ctx.groupDirectory.overviews().map((group) => {
    const d = describeGroup(ctx, group);
    return {
      group: group.name,
      state: d.state,
      members: d.members.length,
      topics: [...new Set(d.partitions.map((p) => p.topic))],
      lag: d.partitions.reduce((sum, p) => sum + p.lag, 0),
    };
  }),
}));

export const handleDescribeGroups = jsonHandler(parseGroupNameRequest, (ctx, request) => describeGroup(ctx, ctx.groupDirectory.requireOverview(request.group)));

export const handleDeleteGroups = jsonHandler(parseGroupNameRequest, (ctx, request) => {
  ctx.groupDirectory.delete(request.group);
  ctx.logger.info(`deleted group ${request.group}`);
  return {};
});

export const handleResetGroupOffsets = jsonHandler(parseResetGroupOffsetsRequest, (ctx, request): ResetGroupOffsetsResponse => {
  const group = ctx.groupDirectory.requireOverview(request.group);
  if (group.members.length > 0) {
    throw new SpoolError(`group "${group.name}" has ${group.members.length} active member(s); stop them before resetting offsets`, {
      code: ErrorCode.NonEmptyGroup,
    });
  }
  const topic = ctx.logs.requireTopic(request.topic);
  const committed = new Map(ctx.groupDirectory.store.offsets(group.name).map((o) => [tpKey(o), o.offset]));
  const partitions = request.partitions ?? topic.partitions.map((_, i) => i);
  const plan = partitions.map((partition) => {
    const log = topic.partitions[partition];
    if (log === undefined) {
      throw new SpoolError(`topic "${topic.name}" has no partition ${partition}`, { code: ErrorCode.UnknownTopicOrPartition });
    }
    const oldOffset = committed.get(tpKey({ topic: topic.name, partition })) ?? null;
    return { topic: topic.name, partition, oldOffset, newOffset: resetOffset(log, oldOffset, request.to) };
  });
  if (request.execute) {
    ctx.groupDirectory.setOffsets(group.name, plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.newOffset })));
    ctx.logger.info(`reset offsets of group ${group.name} on ${topic.name}`);
  }
  return { plan, executed: request.execute };
});

function resetOffset(log: PartitionLog, old: number | null, to: ResetTarget): number {
  const clamp = (offset: number) => Math.min(Math.max(offset, log.logStartOffset), log.nextOffset);
  switch (to.kind) {
    case 'earliest':
      return log.logStartOffset;
    case 'latest':
      return log.nextOffset;
    case 'offset':
      return clamp(to.offset);
    case 'timestamp':
      return log.offsetForTimestamp(to.timestampMs) ?? log.nextOffset;
    case 'shift':
      return clamp((old ?? log.logStartOffset) + to.by);
  }
}
