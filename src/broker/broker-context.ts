// What every request handler may use: the logs, the parked fetches, the config and the logger.
// One per broker process, passed explicitly (no module-level singletons).
import type { BufferPool } from '../common/buffer-pool.js';
import type { Logger } from '../common/logger.js';
import type { LogManager } from '../storage/log-manager.js';
import type { BrokerConfig } from './broker-config.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { MetricsHooks } from './metrics-hooks.js';
import type { GroupDirectory } from './group-directory.js';
import type { ListenerStats } from './listener-stats.js';
import type { MemoryPacer } from '../common/memory-pacer.js';
import type { ParkedFetches } from './parked-fetches.js';
import type { RetentionHolds } from './retention-holds.js';
import type { TopicStats } from './topic-stats.js';

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly logs: LogManager;
  readonly parked: ParkedFetches;
  readonly groups: GroupCoordinator;
  /** Every group name and who drives it: spool's coordinator or Kafka's classic one. */
  readonly groupDirectory: GroupDirectory;
  readonly stats: TopicStats;
  /** The commits of retention.groups, for `topic describe`. */
  readonly retentionHolds: RetentionHolds;
  /** Connections and requests of the Unix socket and the Kafka listener. */
  readonly listeners: ListenerStats;
  readonly logger: Logger;
  readonly startedMs: number;
  /** Told about large short-lived buffers (socket reads). */
  readonly memory: MemoryPacer;
  /**
   * Memory that large requests (produce) are read into and that fetches read log bytes into,
   * shared by the connections. A request's goes back when its handler returns; a response's parts
   * once the socket has written them (Session); a fetch read that is not sent, by its handler.
   */
  readonly buffers: BufferPool;
  /** Begin a graceful stop (as SIGTERM). */
  requestShutdown(): void;
  /** The Kafka listener's bound address (HOST:PORT) once it listens; null without one. */
  kafkaAddress: string | null;
  /** Told of requests, fsyncs and cleaner passes with --metrics; null without. */
  metrics: MetricsHooks | null;
  /** The metrics endpoint's URL once it listens; null without one. */
  metricsUrl: string | null;
}

/** The connection a request came in on, as handlers see it. */
export interface SessionInfo {
  readonly id: number;
  /** Called once when the connection closes, for cleanup tied to it (parked fetches, members). */
  onClose(callback: () => void): void;
}
