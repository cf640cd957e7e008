// InitProducerId: a producer id and epoch for an idempotent producer (broker/init-producer-id.ts,
// the same as `spool produce` gets). A transactional id is refused: spool does not offer Kafka
// transactions (SPEC §11), and the client says so instead of waiting for a coordinator.
// Without a transactional id Kafka ignores the producer id and epoch in the request (v3+) and
// always hands out a new id with epoch 0 (clients bump an idempotent epoch themselves). So does
// spool: @platformatic/kafka asks with id 0 and epoch 0 for every new producer, and taking that
// as a producer's own id would give two producers one id and epoch, each one's batches then
// acknowledged as the other's duplicates and never stored.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { initProducerId } from '../../broker/init-producer-id.js';
import { kafkaApi } from '../kafka-handler.js';
import { INIT_PRODUCER_ID, type InitProducerIdRequest, type InitProducerIdResponse } from '../protocol/apis/init-producer-id.js';

export const initProducerIdApi = kafkaApi<InitProducerIdRequest, InitProducerIdResponse>(INIT_PRODUCER_ID, (ctx, request) => {
  const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  if (request.transactionalId !== null) return failed(ErrorCode.TransactionalIdAuthorizationFailed);
  try {
    const { producerId, producerEpoch } = initProducerId(ctx.broker, { producerId: -1, producerEpoch: -1 });
    return { throttleTimeMs: 0, errorCode: ErrorCode.None, producerId, producerEpoch };
  } catch (err) {
    if (err instanceof SpoolError) return failed(err.code);
    throw err;
  }
});
