// BrokerStatus and Shutdown.
import { spoolVersion } from '../../common/version.js';
import type { KafkaListenerConfig } from '../broker-config.js';
import type { BrokerStatusResponse, ShutdownResponse } from '../../protocol/messages/broker-status.js';
import { jsonHandler, noParams } from './handler.js';

export const handleBrokerStatus = jsonHandler(noParams, (ctx): BrokerStatusResponse => ({
  pid: process.pid,
  uptimeMs: Date.now() - ctx.startedMs,
  version: spoolVersion(),
  dataDir: ctx.config.dataDir,
  socket: ctx.config.socketPath,
  topics: ctx.logs.topics().length,
  bytes: ctx.logs.totalBytes(),
  fsync: ctx.config.fsync,
  kafka: ctx.kafkaAddress,
  kafkaSecurity: ctx.kafkaAddress === null || ctx.config.kafka === null ? null : securityProtocol(ctx.config.kafka),
  socketConnections: ctx.listeners.socket.open,
  socketRequests: ctx.listeners.socket.requests,
  kafkaConnections: ctx.listeners.kafka.open,
  kafkaRequests: ctx.listeners.kafka.requests,
  metrics: ctx.metricsUrl,
}));

function securityProtocol(kafka: KafkaListenerConfig): string {
  if (kafka.sasl) return kafka.tls === null ? 'SASL_PLAINTEXT' : 'SASL_SSL';
  return kafka.tls === null ? 'PLAINTEXT' : 'SSL';
}

export const handleShutdown = jsonHandler(noParams, (ctx): ShutdownResponse => {
  // Answer first: the stop closes this very connection.
  setImmediate(() => ctx.requestShutdown());
  return { pid: process.pid };
});
