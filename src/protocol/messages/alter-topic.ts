// AlterTopic: set configs (an empty value removes the topic's own setting) and grow partitions.
//
//   AlterTopic Request  => { name, configs?: {key: value}, partitions?: int }
//   AlterTopic Response => {}
import { asObject, optionalIntField, stringField, stringMapField } from '../validate.js';

export interface AlterTopicRequest {
  name: string;
  configs: Record<string, string>;
  partitions?: number;
}

export function parseAlterTopicRequest(value: unknown): AlterTopicRequest {
  const o = asObject(value);
  const partitions = optionalIntField(o, 'partitions');
  return { name: stringField(o, 'name'), configs: stringMapField(o, 'configs'), ...(partitions === undefined ? {} : { partitions }) };
}
