// InitProducerId: a producer id and epoch for an idempotent producer (broker/init-producer-id.ts,
// the same as `spool produce` gets). A transactional id is refused: spool does not offer Kafka
// transactions (SPEC §11), and the client says so instead of waiting for a coordinator.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { initProducerId } from '../../broker/init-producer-id.js';
import { kafkaApi } from '../kafka-handler.js';
import { INIT_PRODUCER_ID, type InitProducerIdRequest, type InitProducerIdResponse } from '../protocol/apis/init-producer-id.js';

export const initProducerIdApi = kafkaApi<InitProducerIdRequest, InitProducerIdResponse>(INIT_PRODUCER_ID, (ctx, request) => {
  const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  if (request.transactionalId !== null) return failed(ErrorCode.TransactionalIdAuthorizationFailed);
  try {
    const { producerId, producerEpoch } = initProducerId(ctx.broker, { producerId: request.producerId, producerEpoch: request.producerEpoch });
    return { throttleTimeMs: 0, errorCode: ErrorCode.None, producerId, producerEpoch };
  } catch (err) {
    if (err instanceof SpoolError) return failed(err.code);
    throw err;
  }
});
