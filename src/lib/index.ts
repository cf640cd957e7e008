// spool as a library (SPEC §10): `import { connect } from 'spool'`. The same client as the CLI's
// (client/), with a record-level face: connect() to a broker, then producer(), consume(),
// topics and groups on the client. This entry loads no terminal UI, no command-line parser and
// no storage engine: a program only talks to a broker.
export { connect, type ConnectOptions } from './connect.js';
export { SpoolClient } from './client.js';
export { Producer, type CompressionName, type ProducerOptions } from './producer.js';
export { RecordStream, type ConsumeOptions, type Position } from './record-stream.js';
export { Topics, type AlterTopicOptions, type CreateTopicOptions, type TimeInput, type TopicConfigs, type TrimOptions } from './topics.js';
export { Groups, type ResetFlags, type ResetOptions, type ResetTo } from './groups.js';
export type { Bytes, ConsumedRecord, HeadersInput, ProducerRecord, RecordMetadata } from './records.js';
export type { TopicDescriptionJson, TopicSummary } from '../client/admin-json.js';
export type { PartitionDescription } from '../protocol/messages/describe-topics.js';
export type { PartitionOffsets } from '../protocol/messages/list-offsets.js';
export type { DeleteRecordsResult } from '../protocol/messages/delete-records.js';
export type {
  GroupDescription,
  GroupMemberDescription,
  GroupPartitionDescription,
  GroupStateName,
  GroupSummary,
  ResetGroupOffsetsResponse,
  ResetPlanEntry,
} from '../protocol/messages/group-admin.js';
export {
  BrokerError,
  BrokerUnavailableError,
  CorruptBatchError,
  ErrorCode,
  ExitCode,
  GroupNotEmptyError,
  GroupNotFoundError,
  MessageTooLargeError,
  OffsetOutOfRangeError,
  ProtocolError,
  SpoolError,
  TopicExistsError,
  TopicNotFoundError,
  UsageError,
} from './errors.js';
