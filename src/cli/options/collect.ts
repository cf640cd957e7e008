// Repeatable flags and KEY=VALUE pairs (`--config retention.ms=1000 --config ...`, `-H k=v`).
import { UsageError } from '../../common/errors.js';
import { TOPIC_CONFIG_KEYS, topicConfigProblem } from '../../common/topic-config.js';

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function splitKeyValue(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`invalid ${flag} "${text}": expected KEY=VALUE`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** --config pairs checked against the known topic configs; an empty value means "unset" when allowed. */
export function parseConfigs(pairs: readonly string[] | undefined, allowUnset = false): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const [key, value] = splitKeyValue(pair, '--config');
    // Unsetting only needs a known key: check it with its default value.
    const unset = allowUnset && value === '';
    const problem = topicConfigProblem(key, unset ? (TOPIC_CONFIG_KEYS[key]?.defaultValue ?? value) : value);
    if (problem !== null) throw new UsageError(problem);
    configs[key] = value;
  }
  return configs;
}
