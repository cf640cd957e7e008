// Applying a config change of AlterConfigs or IncrementalAlterConfigs to one resource: topics
// through `spool topic alter`'s own path; the broker's settings are fixed by `spool broker start`
// flags and are refused. Failures become the (errorCode, errorMessage) pair Kafka answers with.
import { ErrorCode } from '../common/error-codes.js';
import { SpoolError } from '../common/errors.js';
import { alterTopic } from '../broker/topic-operations.js';
import type { Topic } from '../storage/log-manager.js';
import type { KafkaContext } from './kafka-context.js';
import { ResourceType } from './resource-types.js';

export interface ChangeResult {
  errorCode: number;
  errorMessage: string | null;
}

/** `change(topic)` gives the configs to set, an empty value removing an override. */
export function changeTopicConfigs(
  ctx: KafkaContext,
  resourceType: number,
  name: string,
  validateOnly: boolean,
  change: (topic: Topic) => Record<string, string>,
): ChangeResult {
  try {
    if (resourceType === ResourceType.Broker || resourceType === ResourceType.BrokerLogger) {
      throw new SpoolError('the broker\'s settings are fixed by the flags of "spool broker start"; alter topic configs instead', {
        code: ErrorCode.InvalidRequest,
      });
    }
    if (resourceType !== ResourceType.Topic) {
      throw new SpoolError(`resource type ${resourceType} has no configs in spool (topics 2 and broker 4 do)`, { code: ErrorCode.InvalidRequest });
    }
    const configs = change(ctx.broker.logs.requireTopic(name));
    if (validateOnly) ctx.broker.logs.planAlter(name, configs, null);
    else alterTopic(ctx.broker, name, configs, null);
    return { errorCode: ErrorCode.None, errorMessage: null };
  } catch (err) {
    if (!(err instanceof SpoolError)) throw err;
    return { errorCode: err.code, errorMessage: err.message };
  }
}
