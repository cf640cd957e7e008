// ApiVersions: the APIs and versions spool serves, from the same table that dispatches them, so
// what a client negotiates is exactly what the listener decodes. No features are advertised
// (spool has no KRaft feature levels to finalize).
import { ErrorCode } from '../../common/error-codes.js';
import type { KafkaApi } from '../kafka-handler.js';
import { kafkaApi } from '../kafka-handler.js';
import { versionRange } from '../protocol/schema.js';
import { API_VERSIONS, type ApiVersionsRequest, type ApiVersionsResponse } from '../protocol/apis/api-versions.js';

export function apiVersionsApi(apis: () => ReadonlyMap<number, KafkaApi>): KafkaApi {
  return kafkaApi<ApiVersionsRequest, ApiVersionsResponse>(API_VERSIONS, () => ({
    ...supportedVersions(apis()),
    errorCode: ErrorCode.None,
  }));
}

/** The version 0 answer to an ApiVersions request of a version spool does not serve. */
export function unsupportedApiVersionsResponse(apis: ReadonlyMap<number, KafkaApi>): ApiVersionsResponse {
  return { ...supportedVersions(apis), errorCode: ErrorCode.UnsupportedVersion };
}

function supportedVersions(apis: ReadonlyMap<number, KafkaApi>): Omit<ApiVersionsResponse, 'errorCode'> {
  const apiKeys = [...apis.values()]
    .map(({ schema }) => {
      const range = versionRange(schema.advertisedVersions ?? schema.validVersions);
      return { apiKey: schema.apiKey, minVersion: range.low, maxVersion: range.high };
    })
    .sort((a, b) => a.apiKey - b.apiKey);
  return {
    apiKeys,
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}
