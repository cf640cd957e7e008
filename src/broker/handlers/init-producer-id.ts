// InitProducerId over the socket: the shared initProducerId (init-producer-id.ts), which the
// Kafka listener's InitProducerId uses too.
import { parseInitProducerIdRequest, type InitProducerIdResponse } from '../../protocol/messages/init-producer-id.js';
import { initProducerId } from '../init-producer-id.js';
import { jsonHandler } from './handler.js';

export const handleInitProducerId = jsonHandler(parseInitProducerIdRequest, (ctx, request): InitProducerIdResponse => initProducerId(ctx, request));
