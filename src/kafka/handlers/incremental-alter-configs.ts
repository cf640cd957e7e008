// IncrementalAlterConfigs: SET and DELETE any topic config; APPEND and SUBTRACT only on list
// configs (cleanup.policy), as Kafka allows.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { effectiveConfigEntries } from '../../common/topic-config.js';
import { kafkaApi } from '../kafka-handler.js';
import {
  INCREMENTAL_ALTER_CONFIGS,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '../protocol/apis/incremental-alter-configs.js';
import { changeTopicConfigs } from '../topic-config-change.js';

const Op = { Set: 0, Delete: 1, Append: 2, Subtract: 3 } as const;
const LIST_CONFIGS: ReadonlySet<string> = new Set(['cleanup.policy']);

export const incrementalAlterConfigsApi = kafkaApi<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(
  INCREMENTAL_ALTER_CONFIGS,
  (ctx, request) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      ...changeTopicConfigs(ctx, r.resourceType, r.resourceName, request.validateOnly, (topic) => {
        const current = effectiveConfigEntries(topic.overrides, ctx.broker.logs.brokerDefaults);
        const configs: Record<string, string> = {};
        for (const c of r.configs) {
          const value = c.value ?? '';
          switch (c.configOperation) {
            case Op.Set:
              configs[c.name] = value;
              break;
            case Op.Delete:
              configs[c.name] = '';
              break;
            case Op.Append:
            case Op.Subtract: {
              if (!LIST_CONFIGS.has(c.name)) {
                throw new SpoolError(`${c.name} is not a list config: APPEND and SUBTRACT apply to cleanup.policy only`, { code: ErrorCode.InvalidConfig });
              }
              const items = new Set((configs[c.name] ?? current[c.name] ?? '').split(',').filter((v) => v !== ''));
              for (const item of value.split(',').filter((v) => v !== '')) {
                if (c.configOperation === Op.Append) items.add(item);
                else items.delete(item);
              }
              configs[c.name] = [...items].join(',');
              break;
            }
            default:
              throw new SpoolError(`unknown config operation ${c.configOperation}`, { code: ErrorCode.InvalidRequest });
          }
        }
        return configs;
      }),
    })),
  }),
);
