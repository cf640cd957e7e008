// Produce over the socket: decode, hand the partitions to the shared append path
// (append-partitions.ts, which the Kafka listener's Produce uses too), encode the answer.
import { decodeProduceRequest, encodeProduceResponse } from '../../protocol/messages/produce.js';
import { appendPartitions } from '../append-partitions.js';
import type { Handler } from './handler.js';

export const handleProduce: Handler = (ctx, body) => {
  const request = decodeProduceRequest(body);
  return encodeProduceResponse(appendPartitions(ctx, request.topic, request.partitions, { durable: request.durable }));
};
