// Metadata: one broker (node 0) leading every partition, with replicas and ISR [0] and leader
// epoch 0. A topic the client asks for that does not exist is created with the broker's default
// partitions when the client allows it (auto.create.topics.enable, as Kafka's default), else
// reported as UNKNOWN_TOPIC_OR_PARTITION. v0 asks for every topic with an empty list; later
// versions with null.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { topicNameProblem } from '../../common/topic-config.js';
import type { Topic } from '../../storage/log-manager.js';
import { createTopic } from '../../broker/topic-operations.js';
import { TOPIC_OPERATIONS, CLUSTER_OPERATIONS, authorizedOperations } from '../authorized-operations.js';
import { NODE_ID, type KafkaContext } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import { METADATA, type MetadataRequest, type MetadataResponse, type MetadataResponseTopic } from '../protocol/apis/metadata.js';
import { ZERO_UUID, fromWireUuid, toWireUuid } from '../topic-ids.js';

export const metadataApi = kafkaApi<MetadataRequest, MetadataResponse>(METADATA, (ctx, request, version) => {
  const everything = request.topics === null || (version === 0 && request.topics.length === 0);
  const topics = everything
    ? ctx.broker.logs.topics().map((t) => describeTopic(t, request.includeTopicAuthorizedOperations))
    : request.topics!.map((wanted) => lookUp(ctx, wanted.name, wanted.topicId, request.allowAutoTopicCreation, request.includeTopicAuthorizedOperations));
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: NODE_ID, host: ctx.advertised.host, port: ctx.advertised.port, rack: null }],
    clusterId: ctx.clusterId,
    controllerId: NODE_ID,
    topics,
    clusterAuthorizedOperations: authorizedOperations(request.includeClusterAuthorizedOperations, CLUSTER_OPERATIONS),
    errorCode: ErrorCode.None,
  };
});

function lookUp(ctx: KafkaContext, name: string | null, topicId: string, autoCreate: boolean, withOperations: boolean): MetadataResponseTopic {
  const logs = ctx.broker.logs;
  if (topicId !== ZERO_UUID && (name === null || name === '')) {
    const topic = logs.topicByUuid(fromWireUuid(topicId));
    return topic === undefined ? failed(null, topicId, ErrorCode.UnknownTopicId) : describeTopic(topic, withOperations);
  }
  const wanted = name ?? '';
  const existing = logs.topic(wanted);
  if (existing !== undefined) return describeTopic(existing, withOperations);
  if (topicNameProblem(wanted) !== null) return failed(wanted, ZERO_UUID, ErrorCode.InvalidTopic);
  if (!autoCreate) return failed(wanted, ZERO_UUID, ErrorCode.UnknownTopicOrPartition);
  try {
    return describeTopic(createTopic(ctx.broker, { name: wanted, partitions: null, configs: {}, reason: 'for a Kafka client (auto-create)' }), withOperations);
  } catch (err) {
    if (err instanceof SpoolError) return failed(wanted, ZERO_UUID, err.code);
    throw err;
  }
}

export function describeTopic(topic: Topic, withOperations: boolean): MetadataResponseTopic {
  return {
    errorCode: ErrorCode.None,
    name: topic.name,
    topicId: toWireUuid(topic.uuid),
    isInternal: false,
    partitions: topic.partitions.map((_, partition) => ({
      errorCode: ErrorCode.None,
      partitionIndex: partition,
      leaderId: NODE_ID,
      leaderEpoch: 0,
      replicaNodes: [NODE_ID],
      isrNodes: [NODE_ID],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: authorizedOperations(withOperations, TOPIC_OPERATIONS),
  };
}

function failed(name: string | null, topicId: string, errorCode: number): MetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: authorizedOperations(false, 0) };
}
