// Produce: each partition's RecordBatch bytes go through the same append path as the socket's
// (broker/append-partitions.ts: framing, idempotence, CRC-32C and size checks, one SQLite
// transaction, fsync by policy, parked fetches woken) and are stored as they were sent.
// acks 0 gets no answer, as in Kafka; acks 1 and -1 are answered once appended, and -1 waits for
// nothing more than the broker's fsync policy (one copy: the leader is the whole ISR).
// Transactions are not offered (SPEC §11): a transactional produce is refused.
import { ErrorCode } from '../../common/error-codes.js';
import { appendPartitions, type PartitionAppendResult } from '../../broker/append-partitions.js';
import { NO_RESPONSE, kafkaApi } from '../kafka-handler.js';
import { PRODUCE, type ProducePartitionResponse, type ProduceRequest, type ProduceResponse } from '../protocol/apis/produce.js';

const NO_TRANSACTIONS = 'spool does not offer Kafka transactions; use an idempotent producer (enable.idempotence=true) without transactional.id';

export const produceApi = kafkaApi<ProduceRequest, ProduceResponse>(PRODUCE, (ctx, request) => {
  const refusal = request.transactionalId !== null ? { code: ErrorCode.TransactionalIdAuthorizationFailed, message: NO_TRANSACTIONS }
    : request.acks !== 0 && request.acks !== 1 && request.acks !== -1 ? { code: ErrorCode.InvalidRequiredAcks, message: `acks must be 0, 1 or -1, not ${request.acks}` }
    : null;
  const responses = request.topicData.map((t) => {
    const results: PartitionAppendResult[] = refusal !== null
      ? t.partitionData.map((p) => ({ partition: p.index, errorCode: refusal.code, errorMessage: refusal.message, baseOffset: -1, logStartOffset: -1 }))
      : appendPartitions(ctx.broker, t.name, t.partitionData.map((p) => ({ partition: p.index, records: p.records ?? EMPTY })), { durable: false });
    return { name: t.name, partitionResponses: results.map(partitionResponse) };
  });
  if (request.acks === 0) return NO_RESPONSE;
  return { responses, throttleTimeMs: 0, nodeEndpoints: [] };
});

const EMPTY = Buffer.alloc(0);

function partitionResponse(result: PartitionAppendResult): ProducePartitionResponse {
  return {
    index: result.partition,
    errorCode: result.errorCode,
    baseOffset: result.baseOffset,
    logAppendTimeMs: -1,
    logStartOffset: result.logStartOffset,
    recordErrors: [],
    errorMessage: result.errorMessage,
  };
}
