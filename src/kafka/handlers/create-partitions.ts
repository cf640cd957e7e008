// CreatePartitions: grow a topic to `count` partitions, as `spool topic alter -p` does (they only
// grow); new partitions may only be assigned to node 0.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { alterTopic } from '../../broker/topic-operations.js';
import { NODE_ID } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import { CREATE_PARTITIONS, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../protocol/apis/create-partitions.js';

export const createPartitionsApi = kafkaApi<CreatePartitionsRequest, CreatePartitionsResponse>(CREATE_PARTITIONS, (ctx, request) => ({
  throttleTimeMs: 0,
  results: request.topics.map((t) => {
    try {
      const topic = ctx.broker.logs.requireTopic(t.name);
      if (t.count === topic.partitions.length) {
        throw new SpoolError(`topic "${t.name}" already has ${t.count} partitions`, { code: ErrorCode.InvalidPartitions });
      }
      if (t.assignments !== null && t.assignments.some((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== NODE_ID)) {
        throw new SpoolError(`new partitions can only be assigned to [${NODE_ID}]: spool is one broker`, { code: ErrorCode.InvalidReplicaAssignment });
      }
      if (request.validateOnly) ctx.broker.logs.planAlter(t.name, {}, t.count);
      else alterTopic(ctx.broker, t.name, {}, t.count);
      return { name: t.name, errorCode: ErrorCode.None, errorMessage: null };
    } catch (err) {
      if (!(err instanceof SpoolError)) throw err;
      return { name: t.name, errorCode: err.code, errorMessage: err.message };
    }
  }),
}));
