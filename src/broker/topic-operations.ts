// Creating, altering and deleting topics as the broker does it for either front door (the Unix
// socket and the Kafka listener): the catalog change, then what depends on it — groups see the
// new partitions, groups named by retention.groups exist, a deleted topic's offsets and counters
// go — and one log line.
import type { Topic } from '../storage/log-manager.js';
import type { BrokerContext } from './broker-context.js';

export interface CreateTopicRequest {
  name: string;
  /** null: the broker's --default-partitions. */
  partitions: number | null;
  configs: Record<string, string>;
  /** How the topic came to be, for the log ("on first produce"). */
  reason?: string;
}

export function createTopic(ctx: BrokerContext, request: CreateTopicRequest): Topic {
  const partitions = request.partitions ?? ctx.config.defaultPartitions;
  const topic = ctx.logs.createTopic(request.name, partitions, request.configs);
  ensureRetentionGroups(ctx, topic, request.configs);
  ctx.groups.topicsChanged();
  const reason = request.reason === undefined ? '' : ` ${request.reason}`;
  ctx.logger.info(`created topic ${request.name} (${partitions} partition${partitions === 1 ? '' : 's'})${reason}`);
  return topic;
}

/** Set or remove (empty value) configs and grow the partition count (null: leave it). */
export function alterTopic(ctx: BrokerContext, name: string, configs: Record<string, string>, partitions: number | null): Topic {
  const before = ctx.logs.requireTopic(name).partitions.length;
  const topic = ctx.logs.alterTopic(name, configs, partitions);
  ensureRetentionGroups(ctx, topic, configs);
  if (topic.partitions.length !== before) ctx.groups.topicsChanged();
  ctx.logger.info(`altered topic ${name}`);
  return topic;
}

/**
 * A group named in retention.groups holds retention from the moment it is named, even before a
 * member joins it, so it is created (empty) when it does not exist; deleting it later releases
 * the hold (retention-holds.ts).
 */
function ensureRetentionGroups(ctx: BrokerContext, topic: Topic, configs: Readonly<Record<string, string>>): void {
  if (configs['retention.groups'] === undefined) return;
  // A spool group until a member joins it: either protocol may take over an idle group.
  for (const group of topic.config.retentionGroups) ctx.groupDirectory.ensure(group, 'spool', null);
}

export function deleteTopic(ctx: BrokerContext, name: string): void {
  ctx.logs.deleteTopic(name);
  ctx.groups.topicDeleted(name);
  ctx.stats.forget(name);
  ctx.logger.info(`deleted topic ${name}`);
}
