// AlterConfigs (the legacy, non-incremental form): the configs given become the topic's whole
// set of overrides; every override not named goes back to its default, as in Kafka.
import { kafkaApi } from '../kafka-handler.js';
import { ALTER_CONFIGS, type AlterConfigsRequest, type AlterConfigsResponse } from '../protocol/apis/alter-configs.js';
import { changeTopicConfigs } from '../topic-config-change.js';

export const alterConfigsApi = kafkaApi<AlterConfigsRequest, AlterConfigsResponse>(ALTER_CONFIGS, (ctx, request) => ({
  throttleTimeMs: 0,
  responses: request.resources.map((r) => ({
    resourceType: r.resourceType,
    resourceName: r.resourceName,
    ...changeTopicConfigs(ctx, r.resourceType, r.resourceName, request.validateOnly, (topic) => {
      const configs: Record<string, string> = {};
      for (const key of Object.keys(topic.overrides)) configs[key] = '';
      for (const c of r.configs) configs[c.name] = c.value ?? '';
      return configs;
    }),
  })),
}));
