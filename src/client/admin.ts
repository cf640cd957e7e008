// Admin: typed calls for topic and broker administration over a Connection (the socket
// target's TargetAdmin, plus the daemon's own status and shutdown).
import { ApiKey } from '../protocol/api-keys.js';
import type { AlterTopicRequest } from '../protocol/messages/alter-topic.js';
import type { BrokerStatusResponse, ShutdownResponse } from '../protocol/messages/broker-status.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../protocol/messages/create-topics.js';
import type { DescribeTopicsResponse, TopicDescription } from '../protocol/messages/describe-topics.js';
import type { ListOffsetsRequest, ListOffsetsResponse, PartitionOffsets } from '../protocol/messages/list-offsets.js';
import type { MetadataRequest, MetadataResponse } from '../protocol/messages/metadata.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../protocol/messages/init-producer-id.js';
import type { DeleteRecordsRequest, DeleteRecordsResponse, DeleteRecordsResult } from '../protocol/messages/delete-records.js';
import type {
  GroupDescription,
  GroupSummary,
  ResetGroupOffsetsRequest,
  ResetGroupOffsetsResponse,
} from '../protocol/messages/group-admin.js';
import type { OffsetFetchResponse } from '../protocol/messages/offset-fetch.js';
import type { TopicPartition } from '../protocol/messages/topic-partitions.js';
import type { Connection } from './connection.js';
import type { TargetAdmin, TargetStatus } from './target/target.js';

export class Admin implements TargetAdmin {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  metadata(request: MetadataRequest): Promise<MetadataResponse> {
    return this.#connection.requestJson(ApiKey.Metadata, request);
  }

  async createTopic(request: CreateTopicsRequest): Promise<boolean> {
    return (await this.#connection.requestJson<CreateTopicsResponse>(ApiKey.CreateTopics, request)).created;
  }

  async deleteTopic(name: string): Promise<void> {
    await this.#connection.requestJson(ApiKey.DeleteTopics, { name });
  }

  async alterTopic(request: AlterTopicRequest): Promise<void> {
    await this.#connection.requestJson(ApiKey.AlterTopic, request);
  }

  async describeTopics(names?: string[]): Promise<TopicDescription[]> {
    const response = await this.#connection.requestJson<DescribeTopicsResponse>(ApiKey.DescribeTopics, names === undefined ? {} : { names });
    return response.topics;
  }

  async deleteRecords(request: DeleteRecordsRequest): Promise<DeleteRecordsResult[]> {
    return (await this.#connection.requestJson<DeleteRecordsResponse>(ApiKey.DeleteRecords, request)).partitions;
  }

  async listOffsets(request: ListOffsetsRequest): Promise<PartitionOffsets[]> {
    return (await this.#connection.requestJson<ListOffsetsResponse>(ApiKey.ListOffsets, request)).partitions;
  }

  /** An idempotent producer's id and epoch; -1/-1 for a new producer. */
  initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    return this.#connection.requestJson(ApiKey.InitProducerId, request);
  }

  async status(): Promise<TargetStatus> {
    return { kind: 'broker', broker: await this.brokerStatus() };
  }

  brokerStatus(): Promise<BrokerStatusResponse> {
    return this.#connection.requestJson(ApiKey.BrokerStatus, {});
  }

  shutdown(): Promise<ShutdownResponse> {
    return this.#connection.requestJson(ApiKey.Shutdown, {});
  }

  async listGroups(): Promise<GroupSummary[]> {
    return (await this.#connection.requestJson<{ groups: GroupSummary[] }>(ApiKey.ListGroups, {})).groups;
  }

  describeGroup(group: string): Promise<GroupDescription> {
    return this.#connection.requestJson(ApiKey.DescribeGroups, { group });
  }

  async deleteGroup(group: string): Promise<void> {
    await this.#connection.requestJson(ApiKey.DeleteGroups, { group });
  }

  resetGroupOffsets(request: ResetGroupOffsetsRequest): Promise<ResetGroupOffsetsResponse> {
    return this.#connection.requestJson(ApiKey.ResetGroupOffsets, request);
  }

  async committedOffsets(group: string, partitions: TopicPartition[]): Promise<OffsetFetchResponse['offsets']> {
    return (await this.#connection.requestJson<OffsetFetchResponse>(ApiKey.OffsetFetch, { group, partitions })).offsets;
  }
}
