// The broker's settings from `broker start` flags and the environment (SPEC §3 broker, §8), and
// the flags that carry them to the background broker's process (cli/broker-daemon.ts).
import { resolve } from 'node:path';
import { DEFAULT_METRICS_PORT, type BrokerConfig, type FsyncPolicy, type KafkaListenerConfig } from '../../broker/broker-config.js';
import { UsageError } from '../../common/errors.js';
import type { Locations } from '../../common/paths.js';
import { DEFAULT_KAFKA_HOST, DEFAULT_KAFKA_PORT, formatHostPort, isLoopbackHost, parseHostPort } from '../../kafka/listen-address.js';
import { parsePositiveInt } from '../options/numbers.js';

export interface StartFlags {
  foreground?: boolean;
  fsync: FsyncPolicy;
  fsyncIntervalMs: string;
  maxMessageBytes: string;
  defaultPartitions: string;
  retentionCheckMs: string;
  kafka?: string | true;
  kafkaAdvertise?: string;
  kafkaMaxRequestBytes: string;
  kafkaSasl?: boolean;
  kafkaTlsCert?: string;
  kafkaTlsKey?: string;
  kafkaInsecure?: boolean;
  metrics?: string | true;
}

export function brokerConfig(locations: Locations, flags: StartFlags, env: NodeJS.ProcessEnv): BrokerConfig {
  return {
    dataDir: locations.dataDir,
    socketPath: locations.socketPath,
    fsync: flags.fsync,
    fsyncIntervalMs: parsePositiveInt(flags.fsyncIntervalMs, '--fsync-interval-ms'),
    maxMessageBytes: parsePositiveInt(flags.maxMessageBytes, '--max-message-bytes'),
    defaultPartitions: parsePositiveInt(flags.defaultPartitions, '--default-partitions'),
    retentionCheckMs: parsePositiveInt(flags.retentionCheckMs, '--retention-check-ms'),
    kafka: kafkaListenerConfig(flags, env),
    metrics: metricsAddress(flags, env),
  };
}

/** --metrics, else SPOOL_METRICS (so autostarted brokers serve them too); null when neither. */
function metricsAddress(flags: StartFlags, env: NodeJS.ProcessEnv): { host: string; port: number } | null {
  const fromEnv = env.SPOOL_METRICS;
  const spec = flags.metrics ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
  if (spec === undefined) return null;
  return spec === true ? { host: DEFAULT_KAFKA_HOST, port: DEFAULT_METRICS_PORT } : parseHostPort(spec, flags.metrics === undefined ? 'SPOOL_METRICS' : '--metrics');
}

/** --kafka, else SPOOL_KAFKA (so autostarted brokers get the listener too); null when neither. */
function kafkaListenerConfig(flags: StartFlags, env: NodeJS.ProcessEnv): KafkaListenerConfig | null {
  const fromEnv = env.SPOOL_KAFKA;
  const spec = flags.kafka ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
  if (spec === undefined) {
    const stray = (['kafkaAdvertise', 'kafkaSasl', 'kafkaTlsCert', 'kafkaTlsKey', 'kafkaInsecure'] as const).find((key) => flags[key] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --kafka (or SPOOL_KAFKA)`);
    return null;
  }
  const bind = spec === true ? { host: DEFAULT_KAFKA_HOST, port: DEFAULT_KAFKA_PORT } : parseHostPort(spec, flags.kafka === undefined ? 'SPOOL_KAFKA' : '--kafka');
  const sasl = flags.kafkaSasl === true;
  // Anyone who can reach a non-loopback address could read and write every topic.
  if (!isLoopbackHost(bind.host) && !sasl && flags.kafkaInsecure !== true) {
    throw new UsageError(
      `refusing to listen for Kafka clients on ${formatHostPort(bind)} without authentication: add --kafka-sasl (with users from 'spool broker user add'), or --kafka-insecure if every host that can reach it may read and write everything`,
    );
  }
  if ((flags.kafkaTlsCert === undefined) !== (flags.kafkaTlsKey === undefined)) throw new UsageError('--kafka-tls-cert and --kafka-tls-key go together');
  return {
    ...bind,
    advertised: flags.kafkaAdvertise === undefined ? null : parseHostPort(flags.kafkaAdvertise, '--kafka-advertise', true),
    maxRequestBytes: parsePositiveInt(flags.kafkaMaxRequestBytes, '--kafka-max-request-bytes'),
    sasl,
    // The broker runs from another working directory: it gets absolute paths.
    tls: flags.kafkaTlsCert === undefined || flags.kafkaTlsKey === undefined ? null : { certFile: resolve(flags.kafkaTlsCert), keyFile: resolve(flags.kafkaTlsKey) },
  };
}

export function brokerArgs(flags: StartFlags, kafka: KafkaListenerConfig | null, metrics: BrokerConfig['metrics']): string[] {
  return [
    '--fsync', flags.fsync,
    '--fsync-interval-ms', flags.fsyncIntervalMs,
    '--max-message-bytes', flags.maxMessageBytes,
    '--default-partitions', flags.defaultPartitions,
    '--retention-check-ms', flags.retentionCheckMs,
    '--kafka-max-request-bytes', flags.kafkaMaxRequestBytes,
    ...(kafka === null ? [] : ['--kafka', formatHostPort(kafka)]),
    ...(kafka?.advertised == null ? [] : ['--kafka-advertise', formatHostPort(kafka.advertised)]),
    ...(kafka?.sasl === true ? ['--kafka-sasl'] : []),
    ...(kafka?.tls == null ? [] : ['--kafka-tls-cert', kafka.tls.certFile, '--kafka-tls-key', kafka.tls.keyFile]),
    ...(flags.kafkaInsecure === true ? ['--kafka-insecure'] : []),
    ...(metrics === null ? [] : ['--metrics', formatHostPort(metrics)]),
  ];
}
