// Request kinds, one table used by the client, the broker's dispatch and its logs. Numbers follow
// Kafka's API keys where Kafka has the same request; spool's own requests start at 1000.

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  DescribeGroups: 15,
  ListGroups: 16,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  AlterTopic: 33,
  DeleteGroups: 42,
  DescribeTopics: 1000,
  BrokerStatus: 1001,
  Shutdown: 1002,
  ResetGroupOffsets: 1003,
  LocalFetch: 1004,
} as const;

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

const NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

export function apiKeyName(key: number): string {
  return NAMES.get(key) ?? `ApiKey${key}`;
}

export function isApiKey(key: number): key is ApiKey {
  return NAMES.has(key);
}
