// Produce (key 0), versions 3-12 (Kafka 4.0 dropped 0-2, KIP-896), flexible from 9. Each
// partition's `records` is nullable bytes holding RecordBatches; the decoder hands them out as a
// view into the request frame, so they are appended without a copy. ApiVersions announces 0-12
// (advertisedVersions) because older librdkafka refuses a Produce range that does not start at 0.
import type { ApiSchema } from '../schema.js';
import type { LeaderIdAndEpoch, NodeEndpoint } from './node-endpoints.js';
import { leaderIdAndEpochFields, nodeEndpointFields } from './node-endpoints.js';

export interface ProducePartitionData {
  index: number;
  records: Buffer | null;
}

export interface ProduceTopicData {
  name: string;
  partitionData: ProducePartitionData[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceTopicData[];
}

export interface BatchIndexAndErrorMessage {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: BatchIndexAndErrorMessage[];
  errorMessage: string | null;
  /** Tagged: left out (undefined) when it is the default. */
  currentLeader?: LeaderIdAndEpoch;
}

export interface ProduceTopicResponse {
  name: string;
  partitionResponses: ProducePartitionResponse[];
}

export interface ProduceResponse {
  responses: ProduceTopicResponse[];
  throttleTimeMs: number;
  nodeEndpoints?: NodeEndpoint[];
}

export const PRODUCE: ApiSchema = {
  apiKey: 0,
  name: 'Produce',
  validVersions: '3-12',
  advertisedVersions: '0-12',
  flexibleVersions: '9+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitionData',
            type: {
              arrayOf: [
                { name: 'index', type: 'int32', versions: '0+' },
                { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
  ],
  response: [
    {
      name: 'responses',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitionResponses',
            type: {
              arrayOf: [
                { name: 'index', type: 'int32', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
                { name: 'baseOffset', type: 'int64', versions: '0+' },
                { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1 },
                { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
                {
                  name: 'recordErrors',
                  type: {
                    arrayOf: [
                      { name: 'batchIndex', type: 'int32', versions: '8+' },
                      { name: 'batchIndexErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
                    ],
                  },
                  versions: '8+',
                },
                { name: 'errorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
                { name: 'currentLeader', type: { struct: leaderIdAndEpochFields('10+') }, versions: '10+', taggedVersions: '10+', tag: 0 },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', default: 0 },
    { name: 'nodeEndpoints', type: { arrayOf: nodeEndpointFields('10+') }, versions: '10+', taggedVersions: '10+', tag: 0 },
  ],
};
