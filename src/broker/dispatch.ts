// ApiKey -> handler: the one table of what the broker answers.
import { ApiKey } from '../protocol/api-keys.js';
import { handleBrokerStatus, handleShutdown } from './handlers/broker-admin.js';
import { handleDeleteRecords } from './handlers/delete-records.js';
import { handleFetch, handleLocalFetch } from './handlers/fetch.js';
import { handleDeleteGroups, handleDescribeGroups, handleListGroups, handleResetGroupOffsets } from './handlers/group-admin.js';
import { handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleOffsetCommit, handleOffsetFetch } from './handlers/groups.js';
import type { Handler } from './handlers/handler.js';
import { handleInitProducerId } from './handlers/init-producer-id.js';
import { handleListOffsets } from './handlers/list-offsets.js';
import { handleMetadata } from './handlers/metadata.js';
import { handleProduce } from './handlers/produce.js';
import { handleAlterTopic, handleCreateTopics, handleDeleteTopics, handleDescribeTopics } from './handlers/topic-admin.js';

export function createDispatch(extra: ReadonlyMap<number, Handler> = new Map()): ReadonlyMap<number, Handler> {
  return new Map<number, Handler>([
    [ApiKey.Produce, handleProduce],
    [ApiKey.Fetch, handleFetch],
    [ApiKey.LocalFetch, handleLocalFetch],
    [ApiKey.ListOffsets, handleListOffsets],
    [ApiKey.Metadata, handleMetadata],
    [ApiKey.CreateTopics, handleCreateTopics],
    [ApiKey.DeleteTopics, handleDeleteTopics],
    [ApiKey.AlterTopic, handleAlterTopic],
    [ApiKey.DescribeTopics, handleDescribeTopics],
    [ApiKey.BrokerStatus, handleBrokerStatus],
    [ApiKey.Shutdown, handleShutdown],
    [ApiKey.DeleteRecords, handleDeleteRecords],
    [ApiKey.InitProducerId, handleInitProducerId],
    [ApiKey.JoinGroup, handleJoinGroup],
    [ApiKey.Heartbeat, handleHeartbeat],
    [ApiKey.LeaveGroup, handleLeaveGroup],
    [ApiKey.OffsetCommit, handleOffsetCommit],
    [ApiKey.OffsetFetch, handleOffsetFetch],
    [ApiKey.ListGroups, handleListGroups],
    [ApiKey.DescribeGroups, handleDescribeGroups],
    [ApiKey.DeleteGroups, handleDeleteGroups],
    [ApiKey.ResetGroupOffsets, handleResetGroupOffsets],
    ...extra,
  ]);
}
