// client.topics (SPEC §10): topic administration, answering with the objects that `spool topic
// … --json` prints (SPEC §4). Names, configs and positions are checked as the CLI checks its
// flags, before anything is sent.
import { topicDescriptionJson, topicSummary, type TopicDescriptionJson, type TopicSummary } from '../client/admin-json.js';
import type { TargetAdmin } from '../client/target/target.js';
import { ErrorCode } from '../common/error-codes.js';
import { BrokerError, UsageError } from '../common/errors.js';
import { parseTimeMs } from '../common/offset-spec.js';
import { TOPIC_CONFIG_KEYS, topicConfigProblem } from '../common/topic-config.js';
import type { DeleteRecordsResult } from '../protocol/messages/delete-records.js';
import type { PartitionOffsets } from '../protocol/messages/list-offsets.js';
import { translated } from './errors.js';
import { checkTopicName } from './names.js';

/** Config values as a program gives them: numbers are written as `--config` would take them. */
export type TopicConfigs = Readonly<Record<string, string | number>>;

export interface CreateTopicOptions {
  /** Default 1. */
  partitions?: number;
  configs?: TopicConfigs;
  /** Succeed (resolving false) when the topic exists. */
  ifNotExists?: boolean;
}

export interface AlterTopicOptions {
  /** An empty string restores the default. */
  configs?: TopicConfigs;
  /** The new partition count (it can only grow). */
  partitions?: number;
}

/** A time as `--at @TIME` and `--before @TIME` take it (with or without the `@`), epoch ms, or a Date. */
export type TimeInput = string | number | Date;

export interface TrimOptions {
  /** Delete records before offset N (a number), or before a time (`@TIME` or a Date). */
  before: number | string | Date;
  /** Only these partitions (default: every one). */
  partitions?: number[];
}

export class Topics {
  readonly #admin: () => Promise<TargetAdmin>;

  /** `admin` is asked each time: it waits for a lost broker to come back, whose admin is new. */
  constructor(admin: () => Promise<TargetAdmin>) {
    this.#admin = admin;
  }

  /** Create a topic; resolves true, or false when it existed and `ifNotExists` was set. */
  create(name: string, options: CreateTopicOptions = {}): Promise<boolean> {
    return translated(async () => {
      checkTopicName(name);
      const partitions = positiveInt(options.partitions ?? 1, 'partitions');
      const configs = configStrings(options.configs, false);
      return (await this.#admin()).createTopic({ name, partitions, configs, ifNotExists: options.ifNotExists === true });
    });
  }

  /** `topic list --json`: every topic's name, partitions, messages and bytes. */
  list(): Promise<TopicSummary[]> {
    return translated(async () => {
      const admin = await this.#admin();
      return (await admin.describeTopics()).map(topicSummary);
    });
  }

  /** `topic describe --json`: configs, defaults and per-partition offsets, segments, bytes, times. */
  describe(name: string): Promise<TopicDescriptionJson> {
    return translated(async () => {
      checkTopicName(name);
      const admin = await this.#admin();
      const [description] = await admin.describeTopics([name]);
      if (description === undefined) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, `topic "${name}" does not exist`);
      return topicDescriptionJson(description);
    });
  }

  /** `topic offsets --json`: per partition the log start and end, and with `at` the first offset at or after it. */
  offsets(name: string, options: { at?: TimeInput } = {}): Promise<PartitionOffsets[]> {
    return translated(async () => {
      checkTopicName(name);
      const timestamp = options.at === undefined ? undefined : timeMs(options.at, 'at');
      return (await this.#admin()).listOffsets({ topic: name, ...(timestamp === undefined ? {} : { timestamp }) });
    });
  }

  alter(name: string, options: AlterTopicOptions): Promise<void> {
    return translated(async () => {
      checkTopicName(name);
      const configs = configStrings(options.configs, true);
      const partitions = options.partitions === undefined ? undefined : positiveInt(options.partitions, 'partitions');
      if (Object.keys(configs).length === 0 && partitions === undefined) throw new UsageError('nothing to alter: give configs or partitions');
      await (await this.#admin()).alterTopic({ name, configs, ...(partitions === undefined ? {} : { partitions }) });
    });
  }

  /** `topic trim`: per partition the old and new log start offset and the segments deleted. */
  trim(name: string, options: TrimOptions): Promise<DeleteRecordsResult[]> {
    return translated(async () => {
      checkTopicName(name);
      const before = options.before;
      const at =
        typeof before === 'number'
          ? { offset: nonNegativeInt(before, 'before') }
          : before instanceof Date || typeof before === 'string'
            ? { timestamp: timeMs(before, 'before') }
            : undefined;
      if (at === undefined) throw new UsageError('trim needs before: an offset N, @TIME or a Date');
      const partitions = options.partitions?.map((p) => nonNegativeInt(p, 'partition'));
      return (await this.#admin()).deleteRecords({ topic: name, ...(partitions === undefined ? {} : { partitions }), ...at });
    });
  }

  /** Delete a topic, its data and its committed offsets. */
  delete(name: string): Promise<void> {
    return translated(async () => {
      checkTopicName(name);
      await (await this.#admin()).deleteTopic(name);
    });
  }
}

/** Config values as the broker takes them, each checked as `--config KEY=VALUE` is. */
function configStrings(configs: TopicConfigs | undefined, allowUnset: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(configs ?? {})) {
    if (typeof raw !== 'string' && typeof raw !== 'number') throw new UsageError(`invalid value for ${key}: use a string or a number`);
    const value = String(raw);
    // Unsetting only needs a known key: check it with its default value.
    const unset = allowUnset && value === '';
    const problem = topicConfigProblem(key, unset ? (TOPIC_CONFIG_KEYS[key]?.defaultValue ?? value) : value);
    if (problem !== null) throw new UsageError(problem);
    out[key] = value;
  }
  return out;
}

/** A time given as `@TIME`, `TIME` (ISO-8601, epoch ms, a duration ago), epoch ms or a Date. */
export function timeMs(time: TimeInput, what: string): number {
  if (time instanceof Date) {
    const ms = time.getTime();
    if (Number.isNaN(ms)) throw new UsageError(`invalid ${what} value: the Date is invalid`);
    return Math.max(0, ms);
  }
  if (typeof time === 'number') return nonNegativeInt(time, what);
  if (typeof time !== 'string') throw new UsageError(`invalid ${what} value ${String(time)}: use @TIME, epoch ms or a Date`);
  const ms = parseTimeMs(time.startsWith('@') ? time.slice(1) : time, Date.now());
  if (ms === undefined) throw new UsageError(`invalid ${what} value "${time}": use @TIME (ISO-8601, epoch ms, or a duration like 10m)`);
  return ms;
}

export function positiveInt(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`invalid ${what} ${String(value)}: use a positive integer`);
  return value;
}

export function nonNegativeInt(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`invalid ${what} ${String(value)}: use a non-negative integer`);
  return value;
}
