// InitProducerId: an idempotent producer's id and epoch (Kafka's API key 22, without the
// transactional fields). The producer writes them, with a per-partition sequence, into the header
// of every batch it sends; the broker stores each batch once however often it is sent again.
//
//   InitProducerId Request  => { producerId, producerEpoch }
//     producerId, producerEpoch   -1 and -1 for a new producer; or the producer's own, to bump
//                                 its epoch (same id, epoch + 1; a new id when it is exhausted)
//   InitProducerId Response => { producerId, producerEpoch }
import { asObject, intField } from '../validate.js';

export interface InitProducerIdRequest {
  producerId: number;
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  producerId: number;
  producerEpoch: number;
}

export function parseInitProducerIdRequest(value: unknown): InitProducerIdRequest {
  const o = asObject(value);
  return { producerId: intField(o, 'producerId'), producerEpoch: intField(o, 'producerEpoch') };
}
