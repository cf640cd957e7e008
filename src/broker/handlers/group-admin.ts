// ListGroups, DescribeGroups, DeleteGroups and ResetGroupOffsets: the broker side of `spool
// group`. Lag is the log end offset minus the committed offset (minus the log start when
// nothing is committed yet).
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import {
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
import { tpKey } from '../group-assignor.js';
import type { Group } from '../group-coordinator.js';
import { stateName } from '../group-state.js';
import { jsonHandler, noParams } from './handler.js';

function describe(ctx: BrokerContext, group: Group): GroupDescription {
  const committed = ctx.groups.committed(group.name);
  const owners = new Map<string, { memberId: string; clientId: string; pid: number }>();
  for (const m of group.members.values()) {
    for (const tp of m.owned.length > 0 ? m.owned : m.target) owners.set(tpKey(tp), { memberId: m.memberId, clientId: m.clientId, pid: m.pid });
  }
  const partitions: GroupPartitionDescription[] = ctx.groups.groupPartitions(group).map((tp) => {
    const log = ctx.logs.topic(tp.topic)?.partitions[tp.partition];
    const offset = committed.get(tpKey(tp)) ?? null;
    const logEndOffset = log?.nextOffset ?? offset ?? 0;
    const owner = owners.get(tpKey(tp));
    return {
      topic: tp.topic,
      partition: tp.partition,
      committedOffset: offset,
      logEndOffset,
      lag: Math.max(0, logEndOffset - (offset ?? log?.logStartOffset ?? 0)),
      memberId: owner?.memberId ?? null,
      clientId: owner?.clientId ?? null,
      pid: owner?.pid ?? null,
    };
  });
  return {
    group: group.name,
    state: stateName(group.state),
    generation: group.generation,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      pid: m.pid,
      host: m.host,
      assignment: m.owned.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
    })),
    partitions,
  };
}

export const handleListGroups = jsonHandler(noParams, (ctx): { groups: GroupSummary[] } => ({
  groups: ctx.groups.groups().map((group) => {
    const d = describe(ctx, group);
    return {
      group: group.name,
      state: d.state,
      members: d.members.length,
      topics: [...new Set(d.partitions.map((p) => p.topic))],
      lag: d.partitions.reduce((sum, p) => sum + p.lag, 0),
    };
  }),
}));

export const handleDescribeGroups = jsonHandler(parseGroupNameRequest, (ctx, request) => describe(ctx, ctx.groups.requireGroup(request.group)));

export const handleDeleteGroups = jsonHandler(parseGroupNameRequest, (ctx, request) => {
  ctx.groups.delete(request.group);
  ctx.logger.info(`deleted group ${request.group}`);
  return {};
});

export const handleResetGroupOffsets = jsonHandler(parseResetGroupOffsetsRequest, (ctx, request): ResetGroupOffsetsResponse => {
  const group = ctx.groups.requireGroup(request.group);
  if (group.members.size > 0) {
    throw new SpoolError(`group "${group.name}" has ${group.members.size} active member(s); stop them before resetting offsets`, {
      code: ErrorCode.NonEmptyGroup,
    });
  }
  const topic = ctx.logs.requireTopic(request.topic);
  const committed = ctx.groups.committed(group.name);
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
    ctx.groups.setOffsets(group.name, plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.newOffset })));
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
