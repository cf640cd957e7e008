// API key -> handler: the one table of what the Kafka listener serves. ApiVersions answers from
// this same table, so what a client negotiates is exactly what is dispatched.
import type { KafkaApi } from './kafka-handler.js';
import { alterConfigsApi } from './handlers/alter-configs.js';
import { apiVersionsApi } from './handlers/api-versions.js';
import { createPartitionsApi } from './handlers/create-partitions.js';
import { createTopicsApi } from './handlers/create-topics.js';
import { deleteRecordsApi } from './handlers/delete-records.js';
import { deleteTopicsApi } from './handlers/delete-topics.js';
import { describeClusterApi } from './handlers/describe-cluster.js';
import { describeConfigsApi } from './handlers/describe-configs.js';
import { fetchApi } from './handlers/fetch.js';
import { initProducerIdApi } from './handlers/init-producer-id.js';
import { incrementalAlterConfigsApi } from './handlers/incremental-alter-configs.js';
import { listOffsetsApi } from './handlers/list-offsets.js';
import { metadataApi } from './handlers/metadata.js';
import { saslAuthenticateApi } from './handlers/sasl-authenticate.js';
import { saslHandshakeApi } from './handlers/sasl-handshake.js';
import { deleteGroupsApi } from './handlers/delete-groups.js';
import { describeGroupsApi } from './handlers/describe-groups.js';
import { findCoordinatorApi } from './handlers/find-coordinator.js';
import { heartbeatApi } from './handlers/heartbeat.js';
import { joinGroupApi } from './handlers/join-group.js';
import { leaveGroupApi } from './handlers/leave-group.js';
import { listGroupsApi } from './handlers/list-groups.js';
import { offsetCommitApi } from './handlers/offset-commit.js';
import { offsetDeleteApi } from './handlers/offset-delete.js';
import { offsetFetchApi } from './handlers/offset-fetch.js';
import { syncGroupApi } from './handlers/sync-group.js';
import { offsetForLeaderEpochApi } from './handlers/offset-for-leader-epoch.js';
import { produceApi } from './handlers/produce.js';

export function createKafkaApis(): ReadonlyMap<number, KafkaApi> {
  const apis = new Map<number, KafkaApi>();
  const all: KafkaApi[] = [
    apiVersionsApi(() => apis),
    metadataApi,
    produceApi,
    fetchApi,
    listOffsetsApi,
    offsetForLeaderEpochApi,
    createTopicsApi,
    deleteTopicsApi,
    createPartitionsApi,
    describeConfigsApi,
    alterConfigsApi,
    incrementalAlterConfigsApi,
    deleteRecordsApi,
    describeClusterApi,
    initProducerIdApi,
    findCoordinatorApi,
    joinGroupApi,
    syncGroupApi,
    heartbeatApi,
    leaveGroupApi,
    offsetCommitApi,
    offsetFetchApi,
    offsetDeleteApi,
    describeGroupsApi,
    listGroupsApi,
    deleteGroupsApi,
    saslHandshakeApi,
    saslAuthenticateApi,
  ];
  for (const api of all) apis.set(api.schema.apiKey, api);
  return apis;
}
