// FindCoordinator: spool is a cluster of one, so node 0 at the advertised address coordinates
// every group; v4+ asks about several keys at once. Transactions are not offered (SPEC §8), so a
// transactional id gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as InitProducerId gives it: an
// error clients treat as fatal at once rather than retry, with a message that says why.
import { ErrorCode } from '../../common/error-codes.js';
import { NODE_ID, type KafkaContext } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  CoordinatorKeyType,
  FIND_COORDINATOR,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  type FindCoordinatorResponseCoordinator,
} from '../protocol/apis/find-coordinator.js';

const NO_TRANSACTIONS = 'spool offers no Kafka transactions: use an idempotent producer without transactional.id';

export const findCoordinatorApi = kafkaApi<FindCoordinatorRequest, FindCoordinatorResponse>(FIND_COORDINATOR, (ctx, request, version) => {
  if (version >= 4) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.None, errorMessage: null, nodeId: NODE_ID, host: '', port: 0, coordinators: request.coordinatorKeys.map((key) => coordinator(ctx, key, request.keyType)) };
  }
  const { errorCode, errorMessage, nodeId, host, port } = coordinator(ctx, request.key, request.keyType);
  return { throttleTimeMs: 0, errorCode, errorMessage, nodeId, host, port, coordinators: [] };
});

function coordinator(ctx: KafkaContext, key: string, keyType: number): FindCoordinatorResponseCoordinator {
  if (keyType === CoordinatorKeyType.Group) {
    return { key, nodeId: NODE_ID, host: ctx.advertised.host, port: ctx.advertised.port, errorCode: ErrorCode.None, errorMessage: null };
  }
  if (keyType === CoordinatorKeyType.Transaction) {
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.TransactionalIdAuthorizationFailed, errorMessage: NO_TRANSACTIONS };
  }
  return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.InvalidRequest, errorMessage: `spool has no coordinator for key type ${keyType} (only consumer groups)` };
}
