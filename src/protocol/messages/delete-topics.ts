// DeleteTopics: remove a topic, its files and its committed offsets.
//
//   DeleteTopics Request  => { name }
//   DeleteTopics Response => {}
import { asObject, stringField } from '../validate.js';

export interface DeleteTopicsRequest {
  name: string;
}

export function parseDeleteTopicsRequest(value: unknown): DeleteTopicsRequest {
  return { name: stringField(asObject(value), 'name') };
}
