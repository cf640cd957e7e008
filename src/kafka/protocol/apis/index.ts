// The APIs spool's Kafka listener serves, by API key. Kept as one flat list so that adding an
// API is one import and one line.
import type { ApiSchema } from '../schema.js';
import { ALTER_CONFIGS } from './alter-configs.js';
import { API_VERSIONS } from './api-versions.js';
import { CREATE_PARTITIONS } from './create-partitions.js';
import { CREATE_TOPICS } from './create-topics.js';
import { DELETE_RECORDS } from './delete-records.js';
import { DELETE_TOPICS } from './delete-topics.js';
import { DESCRIBE_CLUSTER } from './describe-cluster.js';
import { DESCRIBE_CONFIGS } from './describe-configs.js';
import { FETCH } from './fetch.js';
import { INCREMENTAL_ALTER_CONFIGS } from './incremental-alter-configs.js';
import { INIT_PRODUCER_ID } from './init-producer-id.js';
import { LIST_OFFSETS } from './list-offsets.js';
import { METADATA } from './metadata.js';
import { OFFSET_FOR_LEADER_EPOCH } from './offset-for-leader-epoch.js';
import { PRODUCE } from './produce.js';

const APIS: readonly ApiSchema[] = [
  PRODUCE,
  FETCH,
  LIST_OFFSETS,
  METADATA,
  API_VERSIONS,
  CREATE_TOPICS,
  DELETE_TOPICS,
  DELETE_RECORDS,
  INIT_PRODUCER_ID,
  OFFSET_FOR_LEADER_EPOCH,
  DESCRIBE_CONFIGS,
  ALTER_CONFIGS,
  CREATE_PARTITIONS,
  INCREMENTAL_ALTER_CONFIGS,
  DESCRIBE_CLUSTER,
];

export const KAFKA_APIS: ReadonlyMap<number, ApiSchema> = new Map(APIS.map((api) => [api.apiKey, api]));
