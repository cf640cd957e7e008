// CreateTopics: one topic with a partition count and configs.
//
//   CreateTopics Request  => { name, partitions?: int, configs?: {key: value}, ifNotExists?: bool }
//   CreateTopics Response => { created: bool }   (false: it existed and ifNotExists was set)
import { asObject, boolField, optionalIntField, stringField, stringMapField } from '../validate.js';

export interface CreateTopicsRequest {
  name: string;
  partitions?: number;
  configs: Record<string, string>;
  ifNotExists: boolean;
}

export interface CreateTopicsResponse {
  created: boolean;
}

export function parseCreateTopicsRequest(value: unknown): CreateTopicsRequest {
  const o = asObject(value);
  const partitions = optionalIntField(o, 'partitions');
  return {
    name: stringField(o, 'name'),
    ...(partitions === undefined ? {} : { partitions }),
    configs: stringMapField(o, 'configs'),
    ifNotExists: boolField(o, 'ifNotExists'),
  };
}
