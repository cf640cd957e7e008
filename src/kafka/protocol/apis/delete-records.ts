// DeleteRecords (key 21), versions 0-2, flexible from 2. Moves each partition's log start offset
// up to `offset` (-1: the high watermark); the answer is the new low watermark.
import type { ApiSchema } from '../schema.js';

export interface DeleteRecordsPartition {
  partitionIndex: number;
  offset: number;
}

export interface DeleteRecordsTopic {
  name: string;
  partitions: DeleteRecordsPartition[];
}

export interface DeleteRecordsRequest {
  topics: DeleteRecordsTopic[];
  timeoutMs: number;
}

export interface DeleteRecordsPartitionResult {
  partitionIndex: number;
  lowWatermark: number;
  errorCode: number;
}

export interface DeleteRecordsTopicResult {
  name: string;
  partitions: DeleteRecordsPartitionResult[];
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: DeleteRecordsTopicResult[];
}

export const DELETE_RECORDS: ApiSchema = {
  apiKey: 21,
  name: 'DeleteRecords',
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: [
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'offset', type: 'int64', versions: '0+' },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: {
        arrayOf: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: {
              arrayOf: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'lowWatermark', type: 'int64', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
  ],
};
