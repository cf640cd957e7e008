// BrokerStatus and Shutdown.
import { spoolVersion } from '../../common/version.js';
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
  metrics: ctx.metricsUrl,
}));

export const handleShutdown = jsonHandler(noParams, (ctx): ShutdownResponse => {
  // Answer first: the stop closes this very connection.
  setImmediate(() => ctx.requestShutdown());
  return { pid: process.pid };
});
