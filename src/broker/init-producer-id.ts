// initProducerId: Kafka's InitProducerId for producers without a transactional id, below both
// front doors. A new producer (-1, -1) gets an id never handed out before (from index.db, so
// unique across restarts) and epoch 0. A producer that sends the id and epoch it has (KIP-360:
// it wants to start its sequences over, as after a batch it gave up on) keeps its id with the
// epoch one higher, which fences its older epoch; when the epoch is exhausted, or the id was never
// handed out here, it gets a new id instead.
import { ErrorCode } from '../common/error-codes.js';
import { SpoolError } from '../common/errors.js';
import { MAX_PRODUCER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID } from '../records/producer-sequence.js';
import type { BrokerContext } from './broker-context.js';

export interface ProducerIdAndEpoch {
  producerId: number;
  producerEpoch: number;
}

/** As Kafka's isEpochExhausted: the last epoch is kept back, as Kafka keeps it for fencing. */
const LAST_BUMPABLE_EPOCH = MAX_PRODUCER_EPOCH - 2;

export function initProducerId(ctx: BrokerContext, current: ProducerIdAndEpoch): ProducerIdAndEpoch {
  const fresh = current.producerId === NO_PRODUCER_ID && current.producerEpoch === NO_PRODUCER_EPOCH;
  const known = current.producerId >= 0 && current.producerEpoch >= 0 && current.producerEpoch <= MAX_PRODUCER_EPOCH;
  if (!fresh && !known) {
    throw new SpoolError(
      `invalid request: producer id ${current.producerId} and epoch ${current.producerEpoch} must both be -1 (a new producer) or both be valid`,
      { code: ErrorCode.InvalidRequest },
    );
  }
  const ids = ctx.logs.producerIds;
  if (known && ids.wasIssued(current.producerId) && current.producerEpoch <= LAST_BUMPABLE_EPOCH) {
    return { producerId: current.producerId, producerEpoch: current.producerEpoch + 1 };
  }
  return { producerId: ids.allocate(), producerEpoch: 0 };
}
