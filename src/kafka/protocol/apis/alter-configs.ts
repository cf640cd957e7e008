// AlterConfigs (key 33), versions 0-2, flexible from 2. Replaces a resource's whole set of
// dynamic configs with the ones given (IncrementalAlterConfigs changes single keys).
import type { ApiSchema } from '../schema.js';

export interface AlterableConfig {
  name: string;
  value: string | null;
}

export interface AlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: AlterableConfig[];
}

export interface AlterConfigsRequest {
  resources: AlterConfigsResource[];
  validateOnly: boolean;
}

export interface AlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResponse[];
}

export const ALTER_CONFIGS: ApiSchema = {
  apiKey: 33,
  name: 'AlterConfigs',
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: [
    {
      name: 'resources',
      type: {
        arrayOf: [
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          {
            name: 'configs',
            type: {
              arrayOf: [
                { name: 'name', type: 'string', versions: '0+' },
                { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
              ],
            },
            versions: '0+',
          },
        ],
      },
      versions: '0+',
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'responses',
      type: {
        arrayOf: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
        ],
      },
      versions: '0+',
    },
  ],
};
