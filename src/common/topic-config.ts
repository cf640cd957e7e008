// Topic configs (SPEC §3 topic): their keys, defaults and value rules, shared by the CLI (which
// rejects a bad key or value before sending anything) and the broker (which applies them).
// Values travel and are stored as strings, exactly as the user wrote them after validation.

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export interface TopicConfig {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  cleanupPolicy: CleanupPolicy;
  deleteRetentionMs: number;
  maxMessageBytes: number;
  /** Consumer groups whose committed offsets hold back retention (empty: none). */
  retentionGroups: readonly string[];
}

interface ConfigKeySpec {
  field: keyof TopicConfig;
  defaultValue: string;
  /** Why `value` is not acceptable, or null when it is. */
  check(value: string): string | null;
  /** The value in force, from its stored form (default: a number). */
  parse?: (value: string) => TopicConfig[keyof TopicConfig];
  /** The stored form of a valid value (default: the number as JavaScript writes it). */
  normalize?: (value: string) => string;
}

const INTEGER = /^-?\d+$/;

function integerAtLeast(min: number): (value: string) => string | null {
  return (value) => {
    if (!INTEGER.test(value) || !Number.isSafeInteger(Number(value))) return 'expected an integer';
    return Number(value) >= min ? null : `expected an integer >= ${min}`;
  };
}

function retentionValue(value: string): string | null {
  if (!INTEGER.test(value) || !Number.isSafeInteger(Number(value))) return 'expected an integer';
  const n = Number(value);
  return n === -1 || n >= 0 ? null : 'expected -1 (unlimited) or an integer >= 0';
}

export const TOPIC_CONFIG_KEYS: Readonly<Record<string, ConfigKeySpec>> = {
  'retention.ms': { field: 'retentionMs', defaultValue: '604800000', check: retentionValue },
  'retention.bytes': { field: 'retentionBytes', defaultValue: '-1', check: retentionValue },
  'segment.bytes': { field: 'segmentBytes', defaultValue: '67108864', check: integerAtLeast(1024) },
  'segment.ms': { field: 'segmentMs', defaultValue: '604800000', check: integerAtLeast(1) },
  'cleanup.policy': {
    field: 'cleanupPolicy',
    defaultValue: 'delete',
    check: (v) => (normalizeCleanupPolicy(v) === null ? 'expected delete, compact or compact,delete' : null),
    parse: (v) => normalizeCleanupPolicy(v) ?? 'delete',
    normalize: (v) => normalizeCleanupPolicy(v) ?? v,
  },
  'delete.retention.ms': { field: 'deleteRetentionMs', defaultValue: '86400000', check: integerAtLeast(0) },
  'max.message.bytes': { field: 'maxMessageBytes', defaultValue: '1048576', check: integerAtLeast(64) },
  'retention.groups': {
    field: 'retentionGroups',
    defaultValue: '',
    check: (v) => (splitGroupList(v) === null ? 'expected group names separated by commas, e.g. billing,audit' : null),
    parse: (v) => splitGroupList(v) ?? [],
    normalize: (v) => (splitGroupList(v) ?? []).join(','),
  },
};

export const TOPIC_CONFIG_NAMES = Object.keys(TOPIC_CONFIG_KEYS);

function normalizeCleanupPolicy(value: string): CleanupPolicy | null {
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const set = new Set(parts);
  if (parts.length === 0 || [...set].some((p) => p !== 'delete' && p !== 'compact')) return null;
  if (set.size === 2) return 'compact,delete';
  return set.has('compact') ? 'compact' : 'delete';
}

/** `G1,G2` as names (spaces around them ignored, repeats dropped); null when one is empty. */
function splitGroupList(value: string): string[] | null {
  if (value.trim() === '') return [];
  const names = value.split(',').map((name) => name.trim());
  return names.includes('') ? null : [...new Set(names)];
}

/** Why KEY=VALUE is not a valid topic config, or null. */
export function topicConfigProblem(key: string, value: string): string | null {
  const spec = TOPIC_CONFIG_KEYS[key];
  if (spec === undefined) return `unknown config "${key}" (known: ${TOPIC_CONFIG_NAMES.join(', ')})`;
  const problem = spec.check(value);
  return problem === null ? null : `invalid value "${value}" for ${key}: ${problem}`;
}

/** Normalized stored form of a valid value (cleanup.policy spelled canonically). */
export function normalizeTopicConfigValue(key: string, value: string): string {
  const normalize = TOPIC_CONFIG_KEYS[key]?.normalize;
  return normalize === undefined ? String(Number(value)) : normalize(value);
}

/** The effective config: broker defaults overridden by the topic's own entries. */
export function resolveTopicConfig(
  overrides: Readonly<Record<string, string>>,
  brokerDefaults: Readonly<Record<string, string>> = {},
): TopicConfig {
  const config = {} as Record<keyof TopicConfig, TopicConfig[keyof TopicConfig]>;
  for (const [key, spec] of Object.entries(TOPIC_CONFIG_KEYS)) {
    const raw = overrides[key] ?? brokerDefaults[key] ?? spec.defaultValue;
    config[spec.field] = spec.parse === undefined ? Number(raw) : spec.parse(raw);
  }
  return config as unknown as TopicConfig;
}

/** Every key with the value in force, overrides first, then broker defaults, then built-ins. */
export function effectiveConfigEntries(
  overrides: Readonly<Record<string, string>>,
  brokerDefaults: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [key, spec] of Object.entries(TOPIC_CONFIG_KEYS)) {
    entries[key] = overrides[key] ?? brokerDefaults[key] ?? spec.defaultValue;
  }
  return entries;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Why `name` is not a valid topic name, or null (SPEC §3: `^[A-Za-z0-9._-]{1,249}$`, not . or ..). */
export function topicNameProblem(name: string): string | null {
  if (name === '.' || name === '..') return `invalid topic name "${name}": "." and ".." are not allowed`;
  if (!TOPIC_NAME.test(name)) {
    return `invalid topic name "${name}": use 1 to 249 characters from A-Z a-z 0-9 . _ -`;
  }
  return null;
}
