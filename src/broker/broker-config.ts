// The broker's settings, from `spool broker start` flags (SPEC §3 broker).

export type FsyncPolicy = 'always' | 'interval' | 'never';

/** The Kafka-protocol TCP listener (SPEC §8), when `--kafka` is given. */
export interface KafkaListenerConfig {
  host: string;
  /** 0 asks the OS for a free port (the bound one is what status shows and metadata advertises). */
  port: number;
  /** The address clients are told to connect to; null: the bound one. */
  advertised: { host: string; port: number } | null;
  /** Requests larger than this close their connection. */
  maxRequestBytes: number;
  /** SASL (PLAIN, SCRAM-SHA-256/512) required before anything else is served (--kafka-sasl). */
  sasl: boolean;
  /** TLS with this certificate chain and key (PEM files, absolute paths); null: plain TCP. */
  tls: { certFile: string; keyFile: string } | null;
}

export const DEFAULT_KAFKA_MAX_REQUEST_BYTES = 100 * 1024 * 1024;

/** A bare --metrics: Prometheus scrapes http://127.0.0.1:9400/metrics. */
export const DEFAULT_METRICS_PORT = 9400;

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
  kafka: KafkaListenerConfig | null;
  /** Where the Prometheus endpoint listens (--metrics); null: no metrics. Port 0 picks a free port. */
  metrics: { host: string; port: number } | null;
}

export const DEFAULT_BROKER_CONFIG = {
  fsync: 'interval',
  fsyncIntervalMs: 1000,
  maxMessageBytes: 1048576,
  defaultPartitions: 1,
  retentionCheckMs: 60000,
} as const satisfies Omit<BrokerConfig, 'dataDir' | 'socketPath' | 'kafka' | 'metrics'>;
