// {topic, partition} pairs, and a checked list of them in a JSON body.
import { asObject, intField, stringField, type JsonObject } from '../validate.js';
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function topicPartitionsField(o: JsonObject, key: string): TopicPartition[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SpoolError(`invalid request: ${key} is not a list`, { code: ErrorCode.InvalidRequest });
  return v.map((item) => {
    const tp = asObject(item, key);
    return { topic: stringField(tp, 'topic'), partition: intField(tp, 'partition') };
  });
}
