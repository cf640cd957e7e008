// DescribeConfigs: a topic's effective configs with where each comes from (set on the topic, a
// broker flag, the default), and the broker's (node 0) read-only settings. Keys the client names
// that spool does not have are left out, as Kafka leaves out unknown keys.
import { ErrorCode } from '../../common/error-codes.js';
import { brokerConfigEntries, topicConfigEntries, ConfigSource, type ConfigEntry } from '../config-entries.js';
import type { KafkaContext } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  DESCRIBE_CONFIGS,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
} from '../protocol/apis/describe-configs.js';
import { ResourceType, isThisBroker } from '../resource-types.js';

export const describeConfigsApi = kafkaApi<DescribeConfigsRequest, DescribeConfigsResponse>(DESCRIBE_CONFIGS, (ctx, request) => ({
  throttleTimeMs: 0,
  results: request.resources.map((r) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    const entries = entriesOf(ctx, r.resourceType, r.resourceName);
    if (typeof entries === 'string') {
      const code = r.resourceType === ResourceType.Topic ? ErrorCode.UnknownTopicOrPartition : ErrorCode.InvalidRequest;
      return { ...base, errorCode: code, errorMessage: entries, configs: [] };
    }
    const keys = r.configurationKeys === null ? null : new Set(r.configurationKeys);
    const configs = entries
      .filter((e) => keys === null || keys.has(e.name))
      .map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: e.readOnly,
        isDefault: e.source === ConfigSource.Default,
        configSource: e.source,
        isSensitive: false,
        synonyms: request.includeSynonyms ? [{ name: e.name, value: e.value, source: e.source }] : [],
        configType: e.type,
        documentation: request.includeDocumentation ? e.documentation : null,
      }));
    return { ...base, errorCode: ErrorCode.None, errorMessage: null, configs } satisfies DescribeConfigsResult;
  }),
}));

/** The entries of a resource, or why there are none. */
function entriesOf(ctx: KafkaContext, type: number, name: string): ConfigEntry[] | string {
  const logs = ctx.broker.logs;
  if (type === ResourceType.Topic) {
    const topic = logs.topic(name);
    return topic === undefined ? `topic "${name}" does not exist` : topicConfigEntries(topic, logs.brokerDefaults);
  }
  if (type === ResourceType.Broker) return isThisBroker(name) ? brokerConfigEntries(ctx.broker.config) : `no broker ${name}: spool is one broker, node 0`;
  if (type === ResourceType.BrokerLogger) return isThisBroker(name) ? [] : `no broker ${name}: spool is one broker, node 0`;
  return `resource type ${type} has no configs in spool (topics 2 and broker 4 do)`;
}
