// The APIs spool's Kafka listener serves, by API key. Kept as one flat list so that adding an
// API is one import and one line.
import type { ApiSchema } from '../schema.js';
import { ALTER_CONFIGS } from './alter-configs.js';
import { API_VERSIONS } from './api-versions.js';
import { CREATE_PARTITIONS } from './create-partitions.js';
import { CREATE_TOPICS } from './create-topics.js';
import { DELETE_GROUPS } from './delete-groups.js';
import { DELETE_RECORDS } from './delete-records.js';
import { DELETE_TOPICS } from './delete-topics.js';
import { DESCRIBE_CLUSTER } from './describe-cluster.js';
import { DESCRIBE_CONFIGS } from './describe-configs.js';
import { DESCRIBE_GROUPS } from './describe-groups.js';
import { FETCH } from './fetch.js';
import { FIND_COORDINATOR } from './find-coordinator.js';
import { HEARTBEAT } from './heartbeat.js';
import { INCREMENTAL_ALTER_CONFIGS } from './incremental-alter-configs.js';
import { INIT_PRODUCER_ID } from './init-producer-id.js';
import { JOIN_GROUP } from './join-group.js';
import { LEAVE_GROUP } from './leave-group.js';
import { LIST_GROUPS } from './list-groups.js';
import { LIST_OFFSETS } from './list-offsets.js';
import { METADATA } from './metadata.js';
import { OFFSET_COMMIT } from './offset-commit.js';
import { OFFSET_DELETE } from './offset-delete.js';
import { OFFSET_FETCH } from './offset-fetch.js';
import { OFFSET_FOR_LEADER_EPOCH } from './offset-for-leader-epoch.js';
import { PRODUCE } from './produce.js';
import { SASL_AUTHENTICATE } from './sasl-authenticate.js';
import { SASL_HANDSHAKE } from './sasl-handshake.js';
import { SYNC_GROUP } from './sync-group.js';

const APIS: readonly ApiSchema[] = [
  PRODUCE,
  FETCH,
  LIST_OFFSETS,
  METADATA,
  OFFSET_COMMIT,
  OFFSET_FETCH,
  FIND_COORDINATOR,
  JOIN_GROUP,
  HEARTBEAT,
  LEAVE_GROUP,
  SYNC_GROUP,
  DESCRIBE_GROUPS,
  LIST_GROUPS,
  SASL_HANDSHAKE,
  API_VERSIONS,
  CREATE_TOPICS,
  DELETE_TOPICS,
  DELETE_RECORDS,
  INIT_PRODUCER_ID,
  OFFSET_FOR_LEADER_EPOCH,
  DESCRIBE_CONFIGS,
  ALTER_CONFIGS,
  SASL_AUTHENTICATE,
  CREATE_PARTITIONS,
  DELETE_GROUPS,
  INCREMENTAL_ALTER_CONFIGS,
  OFFSET_DELETE,
  DESCRIBE_CLUSTER,
];

export const KAFKA_APIS: ReadonlyMap<number, ApiSchema> = new Map(APIS.map((api) => [api.apiKey, api]));
