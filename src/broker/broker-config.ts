// The broker's settings, from `spool broker start` flags (SPEC §3 broker).

export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface BrokerConfig {
  dataDir: string;
  socketPath: string;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  /** Default max.message.bytes for topics that do not set it. */
  maxMessageBytes: number;
  /** Partitions of a topic created by producing to it. */
  defaultPartitions: number;
  /** How often the cleaner applies retention and compaction. */
  retentionCheckMs: number;
}

export const DEFAULT_BROKER_CONFIG = {
  fsync: 'interval',
  fsyncIntervalMs: 1000,
  maxMessageBytes: 1048576,
  defaultPartitions: 1,
  retentionCheckMs: 60000,
} as const satisfies Omit<BrokerConfig, 'dataDir' | 'socketPath'>;
