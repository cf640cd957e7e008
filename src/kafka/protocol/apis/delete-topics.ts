// DeleteTopics (key 20), versions 1-6 (Kafka 4.0 dropped v0), flexible from 4. Up to v5 the
// request lists names (topicNames); v6 lists topics by name or by id (topics), and the response
// names each by both.
import type { ApiSchema } from '../schema.js';

export interface DeleteTopicState {
  name: string | null;
  topicId: string;
}

export interface DeleteTopicsRequest {
  topics: DeleteTopicState[];
  topicNames: string[];
  timeoutMs: number;
}

export interface DeletableTopicResult {
  name: string | null;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface DeleteTopicsResponse {
  throttleTimeMs: number;
  responses: DeletableTopicResult[];
}

export const DELETE_TOPICS: ApiSchema = {
  apiKey: 20,
  name: 'DeleteTopics',
  validVersions: '1-6',
  flexibleVersions: '4+',
  request: [
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
          { name: 'topicId', type: 'uuid', versions: '6+' },
        ],
      },
      versions: '6+',
    },
    { name: 'topicNames', type: { arrayOf: 'string' }, versions: '0-5' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'responses',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
          { name: 'topicId', type: 'uuid', versions: '6+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        ],
      },
      versions: '0+',
    },
  ],
};
