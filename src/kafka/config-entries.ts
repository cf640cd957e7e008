// Topic and broker configs as Kafka's DescribeConfigs and CreateTopics show them: each with its
// source (set on the topic, a broker flag, or the default), its type and a line of documentation.
// The topic configs are spool's own (SPEC §3); the broker's are the few a Kafka client reads to
// learn what a topic it creates will get.
import { TOPIC_CONFIG_KEYS } from '../common/topic-config.js';
import type { BrokerConfig } from '../broker/broker-config.js';
import type { Topic } from '../storage/log-manager.js';

/** Kafka's ConfigSource codes. */
export const ConfigSource = { DynamicTopic: 1, StaticBroker: 4, Default: 5 } as const;
/** Kafka's ConfigType codes. */
const ConfigType = { Boolean: 1, String: 2, Int: 3, Short: 4, Long: 5, List: 7 } as const;

export interface ConfigEntry {
  name: string;
  value: string;
  readOnly: boolean;
  source: number;
  type: number;
  documentation: string;
}

const TOPIC_CONFIG_INFO: Readonly<Record<string, { type: number; documentation: string }>> = {
  'retention.ms': { type: ConfigType.Long, documentation: 'How long records are kept before their segment may be deleted (-1: forever).' },
  'retention.bytes': { type: ConfigType.Long, documentation: 'How large a partition may grow before its oldest segments are deleted (-1: unlimited).' },
  'segment.bytes': { type: ConfigType.Int, documentation: 'The size at which a segment file is closed and a new one begun.' },
  'segment.ms': { type: ConfigType.Long, documentation: 'The age at which a segment file is closed, so that retention can delete it.' },
  'cleanup.policy': { type: ConfigType.List, documentation: 'delete (retention), compact (keep the latest record per key) or both.' },
  'delete.retention.ms': { type: ConfigType.Long, documentation: 'How long compaction keeps tombstones.' },
  'max.message.bytes': { type: ConfigType.Int, documentation: 'The largest record batch the topic accepts.' },
};

export function topicConfigEntries(topic: Pick<Topic, 'overrides'>, brokerDefaults: Readonly<Record<string, string>>): ConfigEntry[] {
  return Object.entries(TOPIC_CONFIG_KEYS).map(([name, spec]) => {
    const own = topic.overrides[name];
    // A broker flag always has a value (its default when not given): only one that differs from
    // the built-in default makes the source the broker's, as `topic describe` lists defaults.
    const broker = brokerDefaults[name] === spec.defaultValue ? undefined : brokerDefaults[name];
    const info = TOPIC_CONFIG_INFO[name] ?? { type: ConfigType.String, documentation: '' };
    return {
      name,
      value: own ?? broker ?? spec.defaultValue,
      readOnly: false,
      source: own !== undefined ? ConfigSource.DynamicTopic : broker !== undefined ? ConfigSource.StaticBroker : ConfigSource.Default,
      type: info.type,
      documentation: info.documentation,
    };
  });
}

export function brokerConfigEntries(config: BrokerConfig): ConfigEntry[] {
  const entry = (name: string, value: string, type: number, documentation: string): ConfigEntry => ({
    name,
    value,
    readOnly: true,
    source: ConfigSource.StaticBroker,
    type,
    documentation,
  });
  return [
    entry('broker.id', '0', ConfigType.Int, 'spool is one broker, node 0.'),
    entry('node.id', '0', ConfigType.Int, 'spool is one broker, node 0.'),
    entry('num.partitions', String(config.defaultPartitions), ConfigType.Int, 'Partitions of a topic created without a count (--default-partitions).'),
    entry('message.max.bytes', String(config.maxMessageBytes), ConfigType.Int, 'Default max.message.bytes of topics (--max-message-bytes).'),
    entry('auto.create.topics.enable', 'true', ConfigType.Boolean, 'Topics a client asks for are created when it allows it.'),
    entry('default.replication.factor', '1', ConfigType.Int, 'One machine, one copy.'),
    entry('min.insync.replicas', '1', ConfigType.Int, 'One machine, one copy.'),
    entry('offsets.topic.replication.factor', '1', ConfigType.Short, 'Committed offsets are kept in SQLite, one copy.'),
    entry('log.retention.ms', TOPIC_CONFIG_KEYS['retention.ms']!.defaultValue, ConfigType.Long, 'Default retention.ms of topics.'),
    entry('log.retention.bytes', TOPIC_CONFIG_KEYS['retention.bytes']!.defaultValue, ConfigType.Long, 'Default retention.bytes of topics.'),
    entry('log.segment.bytes', TOPIC_CONFIG_KEYS['segment.bytes']!.defaultValue, ConfigType.Int, 'Default segment.bytes of topics.'),
    entry('log.cleanup.policy', TOPIC_CONFIG_KEYS['cleanup.policy']!.defaultValue, ConfigType.List, 'Default cleanup.policy of topics.'),
    entry('log.retention.check.interval.ms', String(config.retentionCheckMs), ConfigType.Long, 'How often retention and compaction run (--retention-check-ms).'),
  ];
}
