// DeleteTopics: by name (v0-5) or by name or topic id (v6+), removing data and committed offsets
// as `spool topic delete` does.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { deleteTopic } from '../../broker/topic-operations.js';
import type { KafkaContext } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import { DELETE_TOPICS, type DeleteTopicsRequest, type DeleteTopicsResponse, type DeletableTopicResult } from '../protocol/apis/delete-topics.js';
import { ZERO_UUID, fromWireUuid, toWireUuid } from '../topic-ids.js';

export const deleteTopicsApi = kafkaApi<DeleteTopicsRequest, DeleteTopicsResponse>(DELETE_TOPICS, (ctx, request, version) => {
  const wanted = version >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  return { throttleTimeMs: 0, responses: wanted.map((t) => remove(ctx, t.name, t.topicId)) };
});

function remove(ctx: KafkaContext, name: string | null, topicId: string): DeletableTopicResult {
  const logs = ctx.broker.logs;
  const topic = name !== null && name !== '' ? logs.topic(name) : logs.topicByUuid(fromWireUuid(topicId));
  if (topic === undefined) {
    const byId = name === null || name === '';
    return {
      name,
      topicId,
      errorCode: byId ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition,
      errorMessage: byId ? `no topic has id ${topicId}` : `topic "${name}" does not exist`,
    };
  }
  try {
    deleteTopic(ctx.broker, topic.name);
    return { name: topic.name, topicId: toWireUuid(topic.uuid), errorCode: ErrorCode.None, errorMessage: null };
  } catch (err) {
    if (!(err instanceof SpoolError)) throw err;
    return { name: topic.name, topicId: toWireUuid(topic.uuid), errorCode: err.code, errorMessage: err.message };
  }
}
