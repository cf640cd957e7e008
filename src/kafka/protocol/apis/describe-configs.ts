// DescribeConfigs (key 32), versions 1-4 (Kafka 4.0 dropped v0), flexible from 4. resourceType
// 2 = topic, 4 = broker, 8 = broker logger; configurationKeys null asks for every key. Each
// config comes back with its source (v1+), synonyms (v1+), type and documentation (v3+).
import type { ApiSchema } from '../schema.js';

export interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

export interface DescribeConfigsSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribeConfigsResourceResult {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: DescribeConfigsSynonym[];
  configType: number;
  documentation: string | null;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsResourceResult[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}

export const DESCRIBE_CONFIGS: ApiSchema = {
  apiKey: 32,
  name: 'DescribeConfigs',
  validVersions: '1-4',
  flexibleVersions: '4+',
  request: [
    {
      name: 'resources',
      type: {
        arrayOf: [
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          { name: 'configurationKeys', type: { arrayOf: 'string' }, versions: '0+', nullableVersions: '0+' },
        ],
      },
      versions: '0+',
    },
    { name: 'includeSynonyms', type: 'bool', versions: '1+', default: false },
    { name: 'includeDocumentation', type: 'bool', versions: '3+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: {
        arrayOf: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          {
            name: 'configs',
            type: {
              arrayOf: [
                { name: 'name', type: 'string', versions: '0+' },
                { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
                { name: 'readOnly', type: 'bool', versions: '0+' },
                { name: 'isDefault', type: 'bool', versions: '0' },
                { name: 'configSource', type: 'int8', versions: '1+', default: -1 },
                { name: 'isSensitive', type: 'bool', versions: '0+' },
                {
                  name: 'synonyms',
                  type: {
                    arrayOf: [
                      { name: 'name', type: 'string', versions: '1+' },
                      { name: 'value', type: 'string', versions: '1+', nullableVersions: '0+' },
                      { name: 'source', type: 'int8', versions: '1+' },
                    ],
                  },
                  versions: '1+',
                },
                { name: 'configType', type: 'int8', versions: '3+', default: 0 },
                { name: 'documentation', type: 'string', versions: '3+', nullableVersions: '0+' },
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
