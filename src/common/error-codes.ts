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
  InvalidFetchSize: 4,
  LeaderNotAvailable: 5,
  NotLeaderOrFollower: 6,
  RequestTimedOut: 7,
  MessageTooLarge: 10,
  OffsetMetadataTooLarge: 12,
  CoordinatorNotAvailable: 15,
  NotCoordinator: 16,
  InvalidTopic: 17,
  RecordListTooLarge: 18,
  InvalidRequiredAcks: 21,
  IllegalGeneration: 22,
  InconsistentGroupProtocol: 23,
  InvalidGroupId: 24,
  UnknownMemberId: 25,
  InvalidSessionTimeout: 26,
  RebalanceInProgress: 27,
  InvalidTimestamp: 32,
  UnsupportedSaslMechanism: 33,
  IllegalSaslState: 34,
  UnsupportedVersion: 35,
  TopicAlreadyExists: 36,
  InvalidPartitions: 37,
  InvalidReplicationFactor: 38,
  InvalidReplicaAssignment: 39,
  InvalidConfig: 40,
  InvalidRequest: 42,
  OutOfOrderSequenceNumber: 45,
  InvalidProducerEpoch: 47,
  TransactionalIdAuthorizationFailed: 53,
  StorageError: 56,
  SaslAuthenticationFailed: 58,
  NonEmptyGroup: 68,
  GroupIdNotFound: 69,
  FetchSessionIdNotFound: 70,
  FencedLeaderEpoch: 74,
  UnknownLeaderEpoch: 75,
  MemberIdRequired: 79,
  FencedInstanceId: 82,
  GroupSubscribedToTopic: 86,
  InvalidRecord: 87,
  UnknownTopicId: 100,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const RETRIABLE: ReadonlySet<number> = new Set([ErrorCode.RebalanceInProgress, ErrorCode.StorageError]);

const NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

export function errorCodeInfo(code: number): ErrorCodeInfo {
  return { code, name: NAMES.get(code) ?? `Error${code}`, retriable: RETRIABLE.has(code) };
}
