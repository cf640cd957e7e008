// The broker process: takes the data directory's lock, recovers the logs, listens on the socket,
// fsyncs by policy, and stops gracefully on SIGTERM/SIGINT or a Shutdown request (answer what is
// parked, close connections, fsync, checkpoint SQLite, remove the socket, release the lock).
import { existsSync, unlinkSync } from 'node:fs';
import { ensureDir } from '../common/ensure-dir.js';
import { connect } from 'node:net';
import { ExitCode } from '../common/exit-codes.js';
import { SpoolError, errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { spoolVersion } from '../common/version.js';
import type { CompactionSchedule } from '../storage/compaction/compaction-schedule.js';
import type { CompactionReport } from '../storage/log-compactor.js';
import { LogManager } from '../storage/log-manager.js';
import type { BrokerConfig, KafkaListenerConfig } from './broker-config.js';
import type { KafkaListener } from '../kafka/listener.js';
import type { BrokerContext } from './broker-context.js';
import { createDispatch } from './dispatch.js';
import { acquireLock, type LockOwner } from './lock-file.js';
import { GroupStore } from '../storage/group-store.js';
import { GroupCoordinator } from './group-coordinator.js';
import { GroupDirectory } from './group-directory.js';
import { BufferPool } from '../common/buffer-pool.js';
import { MemoryPacer } from '../common/memory-pacer.js';
import { ParkedFetches } from './parked-fetches.js';
import { RetentionCleaner } from './retention-cleaner.js';
import { TopicStats } from './topic-stats.js';
import { RetentionHolds } from './retention-holds.js';
import type { BrokerMetrics } from './metrics/broker-metrics.js';
import type { LogMetricSources } from './metrics/log-metrics.js';
import type { MetricsServer } from './metrics/metrics-server.js';
import type { HostPort } from '../kafka/listen-address.js';
import { newListenerStats } from './listener-stats.js';
import { BrokerServer } from './server.js';

const INDEX_FLUSH_MS = 1000;
/**
 * Socket reads (a fresh 64 KiB buffer each, freed only by a collection) between two young
 * collections: the broker's RSS grows by about this much under a stream of produce requests.
 */
const SOCKET_READS_PER_COLLECTION = 2 * 1024 * 1024;
/**
 * Request and fetch buffers kept for reuse (about 1 MiB each: the CLI's batches and partition max
 * bytes): enough for a producer and a consumer at full speed, each with one in flight.
 */
const FREE_BUFFERS = 2;
/** A buffer above this (a rare huge batch) is left to the collector rather than kept. */
const KEPT_BUFFER_MAX_BYTES = 8 * 1024 * 1024;

/** Thrown when another live broker holds the data directory; `broker start` treats it as success. */
export class BrokerAlreadyRunningError extends SpoolError {
  readonly owner: LockOwner;

  constructor(dataDir: string, owner: LockOwner) {
    super(`a broker is already running for ${dataDir} (pid ${owner.pid}${owner.socket === null ? '' : `, socket ${owner.socket}`})`);
    this.owner = owner;
  }
}

export interface RunBrokerOptions {
  logger: Logger;
  /**
   * Called once the socket accepts connections, and the Kafka listener and the metrics endpoint
   * when asked for (with their bound address and URL; null when off).
   */
  onReady?: (kafkaAddress: string | null, metricsUrl: string | null) => void;
}

/** Run the broker until it is stopped; resolves after a clean shutdown. */
export async function runBroker(config: BrokerConfig, options: RunBrokerOptions): Promise<void> {
  const { logger } = options;
  ensureDataDir(config.dataDir);
  const lock = acquireLock(config.dataDir, config.socketPath);
  if (!lock.acquired) throw new BrokerAlreadyRunningError(config.dataDir, lock.owner);
  try {
    await clearStaleSocket(config.socketPath);
    const { logs, recovered } = LogManager.open({
      dataDir: config.dataDir,
      brokerDefaults: { 'max.message.bytes': String(config.maxMessageBytes) },
      durableMetadata: config.fsync === 'always',
      bufferIndexRows: true,
      warn: (message) => logger.warn(message),
    });
    for (const line of recovered) {
      for (const problem of line.problems) logger.warn(`recovered ${line.topic}/${line.partition}: ${problem}`);
    }
    await serve(config, logs, logger, options.onReady);
  } finally {
    lock.release();
  }
}

async function serve(config: BrokerConfig, logs: LogManager, logger: Logger, onReady?: RunBrokerOptions['onReady']): Promise<void> {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const groupStore = new GroupStore(logs.db);
  const groupDirectory = new GroupDirectory(groupStore);
  const groups = new GroupCoordinator(groupDirectory, {
    topics: () => logs.topics().map((t) => ({ name: t.name, partitions: t.partitions.length })),
  });
  groups.onRebalance = (group, reason) => logger.info(`group ${group.name} generation ${group.generation}: ${reason}`);
  const ctx: BrokerContext = {
    config,
    logs,
    parked: new ParkedFetches(),
    groups,
    groupDirectory,
    stats: new TopicStats(),
    retentionHolds: new RetentionHolds(groupStore),
    listeners: newListenerStats(),
    logger,
    startedMs: Date.now(),
    memory: new MemoryPacer({ minorEveryBytes: SOCKET_READS_PER_COLLECTION }),
    buffers: new BufferPool({ maxFree: FREE_BUFFERS, maxKeptBytes: KEPT_BUFFER_MAX_BYTES }),
    requestShutdown: () => stop(),
    kafkaAddress: null,
    metrics: null,
    metricsUrl: null,
  };
  const server = new BrokerServer(ctx, createDispatch());
  let kafka: KafkaListener | null = null;
  // Before the first request, so that every request is counted.
  const metrics = config.metrics === null ? null : await createMetrics(ctx, groupStore, () => [
    { listener: 'socket', open: ctx.listeners.socket.open, accepted: ctx.listeners.socket.accepted },
    ...(kafka === null ? [] : [{ listener: 'kafka' as const, open: ctx.listeners.kafka.open, accepted: ctx.listeners.kafka.accepted }]),
  ]);
  try {
    await server.listen(config.socketPath);
  } catch (err) {
    logs.close();
    throw new SpoolError(`cannot listen on ${config.socketPath}: ${errorMessage(err)}`, { cause: err });
  }
  const undoListen = async () => {
    await kafka?.close();
    await server.close();
    logs.close();
    removeSocket(config.socketPath);
  };
  kafka = config.kafka === null ? null : await openKafkaListener(ctx, config.kafka, undoListen);
  const metricsServer = metrics === null || config.metrics === null ? null : await openMetricsServer(ctx, metrics, config.metrics, undoListen);
  // The compactor (and the hashing and file swaps it uses) loads when a compacted topic is first
  // checked, not before the broker listens.
  let compaction: Promise<{ schedule: CompactionSchedule; describe: (report: CompactionReport) => string }> | null = null;
  const cleaner = new RetentionCleaner(logs, logger, {
    holds: (topic, partition, groupNames) => ctx.retentionHolds.of(topic, partition, groupNames),
    onPass: (pass) => ctx.metrics?.cleanerPass(pass),
    compact: async (topic, partition, log, signal) => {
      compaction ??= import('../storage/compaction/compaction-schedule.js').then((m) => ({ schedule: new m.CompactionSchedule(), describe: m.describeCompaction }));
      const { schedule, describe } = await compaction;
      const owner = logs.topic(topic);
      if (owner === undefined) return;
      const isCurrent = () => logs.topic(topic) === owner && owner.partitions[partition] === log;
      const report = await schedule.runIfDue(log, owner.config, Date.now(), { signal, isCurrent });
      if (report !== null && (report.segmentsRewritten > 0 || report.segmentsDropped > 0 || report.segmentsMerged > 0)) logger.info(`${topic}/${partition}: ${describe(report)}`);
    },
  });
  cleaner.start(config.retentionCheckMs);
  const onSynced = metrics === null ? undefined : (ms: number) => metrics.fsync(ms);
  const fsyncTimer = config.fsync === 'interval' ? setInterval(() => logs.flushAllInBackground(onSynced), config.fsyncIntervalMs) : null;
  // Index rows wait in memory to be written in bulk (storage/offset-index.ts); at most a second.
  let indexFailing = false;
  const indexTimer = setInterval(() => {
    const err = logs.index.flushPending();
    if (err !== null && !indexFailing) logger.warn(`index rows not written (${err.message}); retrying every second`);
    else if (err === null && indexFailing) logger.info('index rows written again');
    indexFailing = err !== null;
  }, INDEX_FLUSH_MS);
  const onSignal = (signal: string) => {
    logger.info(`${signal} received, stopping`);
    stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const kafkaNote = ctx.kafkaAddress === null ? '' : `, kafka ${ctx.kafkaAddress}`;
  const metricsNote = ctx.metricsUrl === null ? '' : `, metrics ${ctx.metricsUrl}`;
  logger.info(`spool ${spoolVersion()} broker running (pid ${process.pid}, socket ${config.socketPath}${kafkaNote}${metricsNote}, data ${config.dataDir}, fsync ${config.fsync})`);
  onReady?.(ctx.kafkaAddress, ctx.metricsUrl);

  await stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  if (fsyncTimer !== null) clearInterval(fsyncTimer);
  clearInterval(indexTimer);
  await cleaner.stop();
  ctx.parked.wakeAll();
  groups.close();
  await metricsServer?.close();
  await kafka?.close();
  await server.close();
  logs.close();
  removeSocket(config.socketPath);
  logger.info('broker stopped');
}

/**
 * Open the Kafka listener (loaded only when asked for, so a broker without it starts no slower).
 * If it cannot bind, the broker does not run half-open: `undo` closes what was opened.
 */
async function openKafkaListener(ctx: BrokerContext, config: KafkaListenerConfig, undo: () => Promise<void>): Promise<KafkaListener> {
  const { KafkaListener } = await import('../kafka/listener.js');
  let listener: KafkaListener;
  try {
    listener = new KafkaListener(ctx, config);
    ctx.kafkaAddress = await listener.listen();
  } catch (err) {
    await undo();
    throw err;
  }
  return listener;
}

/** The metrics (and prom-client) are loaded only when asked for, as the Kafka listener is. */
async function createMetrics(ctx: BrokerContext, groups: GroupStore, connections: LogMetricSources['connections']): Promise<BrokerMetrics> {
  const { BrokerMetrics } = await import('./metrics/broker-metrics.js');
  const metrics = new BrokerMetrics({ logs: ctx.logs, stats: ctx.stats, groups, connections });
  ctx.metrics = metrics;
  return metrics;
}

async function openMetricsServer(ctx: BrokerContext, metrics: BrokerMetrics, address: HostPort, undo: () => Promise<void>): Promise<MetricsServer> {
  const { MetricsServer } = await import('./metrics/metrics-server.js');
  const server = new MetricsServer(metrics, ctx.logger);
  try {
    ctx.metricsUrl = await server.listen(address);
  } catch (err) {
    await undo();
    throw err;
  }
  return server;
}

function ensureDataDir(dataDir: string): void {
  try {
    ensureDir(dataDir);
  } catch (err) {
    throw new SpoolError(`cannot create data directory ${dataDir}: ${errorMessage(err)}`, { exitCode: ExitCode.Runtime });
  }
}

/** A socket file left by a killed broker is removed; one another broker answers on is an error. */
async function clearStaleSocket(socketPath: string): Promise<void> {
  if (!existsSync(socketPath)) return;
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new SpoolError(`socket ${socketPath} is in use by another broker; pass a different --socket`);
  removeSocket(socketPath);
}

function removeSocket(socketPath: string): void {
  try {
    unlinkSync(socketPath);
  } catch {
    // Already gone.
  }
}
