// CreateTopics: the same creation as `spool topic create` (broker/topic-operations.ts), with
// Kafka's checks in front: one copy of everything (replication factor 1, or -1 for the broker's
// default), manual assignments only to node 0, validate_only creating nothing.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { createTopic } from '../../broker/topic-operations.js';
import { topicConfigEntries } from '../config-entries.js';
import type { KafkaContext } from '../kafka-context.js';
import { NODE_ID } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  CREATE_TOPICS,
  type CreateTopicsRequest,
  type CreatableTopic,
  type CreateTopicsResponse,
  type CreatableTopicResult,
} from '../protocol/apis/create-topics.js';
import { ZERO_UUID, toWireUuid } from '../topic-ids.js';

export const createTopicsApi = kafkaApi<CreateTopicsRequest, CreateTopicsResponse>(CREATE_TOPICS, (ctx, request) => {
  const seen = new Map<string, number>();
  for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => {
      if ((seen.get(t.name) ?? 0) > 1) return failed(t.name, ErrorCode.InvalidRequest, `topic "${t.name}" appears more than once in the request`);
      try {
        return create(ctx, t, request.validateOnly);
      } catch (err) {
        if (err instanceof SpoolError) return failed(t.name, err.code, err.message);
        throw err;
      }
    }),
  };
});

function create(ctx: KafkaContext, t: CreatableTopic, validateOnly: boolean): CreatableTopicResult {
  if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
    throw new SpoolError(`replication factor ${t.replicationFactor} is not possible: spool keeps one copy on one machine (use 1 or -1)`, {
      code: ErrorCode.InvalidReplicationFactor,
    });
  }
  const partitions = partitionCount(ctx, t);
  const configs: Record<string, string> = {};
  for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
  const logs = ctx.broker.logs;
  if (validateOnly) {
    logs.checkNewTopic(t.name, partitions, configs);
    return { ...failed(t.name, ErrorCode.None, null), numPartitions: partitions, replicationFactor: 1, configs: null };
  }
  const topic = createTopic(ctx.broker, { name: t.name, partitions, configs, reason: 'by a Kafka client' });
  return {
    name: topic.name,
    topicId: toWireUuid(topic.uuid),
    errorCode: ErrorCode.None,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.None,
    numPartitions: topic.partitions.length,
    replicationFactor: 1,
    configs: topicConfigEntries(topic, logs.brokerDefaults).map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      configSource: e.source,
      isSensitive: false,
    })),
  };
}

function partitionCount(ctx: KafkaContext, t: CreatableTopic): number {
  if (t.assignments.length === 0) return t.numPartitions === -1 ? ctx.broker.config.defaultPartitions : t.numPartitions;
  if (t.numPartitions !== -1) {
    throw new SpoolError('give either a partition count or replica assignments, not both', { code: ErrorCode.InvalidRequest });
  }
  t.assignments.forEach((a, i) => {
    if (a.partitionIndex !== i || a.brokerIds.length !== 1 || a.brokerIds[0] !== NODE_ID) {
      throw new SpoolError(`replica assignment of partition ${a.partitionIndex} must be [${NODE_ID}], partitions numbered from 0: spool is one broker, node ${NODE_ID}`, {
        code: ErrorCode.InvalidReplicaAssignment,
      });
    }
  });
  return t.assignments.length;
}

function failed(name: string, errorCode: number, errorMessage: string | null): CreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: ErrorCode.None,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}
