// CreateTopics, DeleteTopics, AlterTopic and DescribeTopics: the catalog side of `spool topic`.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { matchesAny } from '../../common/glob.js';
import { parseAlterTopicRequest } from '../../protocol/messages/alter-topic.js';
import { parseCreateTopicsRequest, type CreateTopicsResponse } from '../../protocol/messages/create-topics.js';
import { parseDeleteTopicsRequest } from '../../protocol/messages/delete-topics.js';
import {
  parseDescribeTopicsRequest,
  type DescribeTopicsResponse,
  type TopicDescription,
} from '../../protocol/messages/describe-topics.js';
import type { Topic } from '../../storage/log-manager.js';
import type { BrokerContext } from '../broker-context.js';
import { retentionState } from '../retention-holds.js';
import { alterTopic, createTopic, deleteTopic } from '../topic-operations.js';
import { jsonHandler } from './handler.js';

export const handleCreateTopics = jsonHandler(parseCreateTopicsRequest, (ctx, request): CreateTopicsResponse => {
  if (request.ifNotExists && ctx.logs.topic(request.name) !== undefined) return { created: false };
  createTopic(ctx, { name: request.name, partitions: request.partitions ?? null, configs: request.configs });
  return { created: true };
});

export const handleDeleteTopics = jsonHandler(parseDeleteTopicsRequest, (ctx, request) => {
  deleteTopic(ctx, request.name);
  return {};
});

export const handleAlterTopic = jsonHandler(parseAlterTopicRequest, (ctx, request) => {
  alterTopic(ctx, request.name, request.configs, request.partitions ?? null);
  return {};
});

export const handleDescribeTopics = jsonHandler(parseDescribeTopicsRequest, (ctx, request): DescribeTopicsResponse => {
  const names = request.names;
  if (names !== undefined) {
    for (const name of names) {
      if (!/[*?[]/.test(name) && ctx.logs.topic(name) === undefined) {
        throw new SpoolError(`topic "${name}" does not exist`, { code: ErrorCode.UnknownTopicOrPartition });
      }
    }
  }
  const topics = ctx.logs.topics().filter((t) => names === undefined || matchesAny(t.name, names));
  return { topics: topics.map((t) => ({ ...describeTopic(ctx, t), traffic: ctx.stats.get(t.name) })) };
});

export function describeTopic(ctx: BrokerContext, topic: Topic): Omit<TopicDescription, 'traffic'> {
  const logs = ctx.logs;
  const nowMs = logs.now();
  const groups = topic.config.retentionGroups;
  return {
    name: topic.name,
    configs: logs.effectiveConfigs(topic),
    defaults: Object.keys(logs.effectiveConfigs(topic)).filter((k) => !(k in topic.overrides)),
    partitions: topic.partitions.map((log, partition) => ({
      partition,
      logStartOffset: log.logStartOffset,
      logEndOffset: log.nextOffset,
      segments: log.segmentCount,
      bytes: log.sizeBytes,
      firstTimestamp: log.firstTimestamp(),
      lastTimestamp: log.maxTimestamp < 0 ? null : log.maxTimestamp,
      retention: retentionState(topic.config, log, groups.length === 0 ? [] : ctx.retentionHolds.of(topic.name, partition, groups), nowMs),
    })),
  };
}
