// Error codes carried in responses, one table shared by storage, broker, protocol and client.
// Numbers follow Kafka's where Kafka has the same error, so a Kafka listener can pass them on.

export interface ErrorCodeInfo {
  code: number;
  name: string;
  retriable: boolean;
}

export const ErrorCode = {
  UnknownServerError: -1,
  None: 0,
  OffsetOutOfRange: 1,
  CorruptMessage: 2,
  UnknownTopicOrPartition: 3,
  MessageTooLarge: 10,
  IllegalGeneration: 22,
  UnknownMemberId: 25,
  RebalanceInProgress: 27,
  InvalidTopic: 17,
  TopicAlreadyExists: 36,
  InvalidPartitions: 37,
  InvalidConfig: 40,
  InvalidRequest: 42,
  StorageError: 56,
  NonEmptyGroup: 68,
  GroupIdNotFound: 69,
  InvalidRecord: 87,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const RETRIABLE: ReadonlySet<number> = new Set([ErrorCode.RebalanceInProgress, ErrorCode.StorageError]);

const NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

export function errorCodeInfo(code: number): ErrorCodeInfo {
  return { code, name: NAMES.get(code) ?? `Error${code}`, retriable: RETRIABLE.has(code) };
}
