// What one reading of `spool top` holds (cli/top/top-sampler.ts takes it; term/top-tables.ts
// lays it out for the JSON snapshot and the live view).
import type { GroupSummary } from '../protocol/messages/group-admin.js';
import type { TopicTrafficDescription } from '../protocol/messages/describe-topics.js';

export interface TopicRates {
  messagesInPerSec: number;
  messagesOutPerSec: number;
  bytesInPerSec: number;
  bytesOutPerSec: number;
}

export interface TopTopic {
  name: string;
  partitions: number;
  /** Records in the log now (end minus start offsets). */
  messages: number;
  bytes: number;
  /** Log end offset of each partition, by partition number. */
  endOffsets: number[];
  /** Since the last reading; null on the first. */
  rates: TopicRates | null;
  /** Counters since the broker started. */
  traffic: TopicTrafficDescription;
}

export interface TopSnapshot {
  timestampMs: number;
  /** Time the rates are measured over; null on the first reading. */
  intervalMs: number | null;
  /** The local broker; null for a Kafka cluster (then `cluster`). */
  broker: {
    pid: number;
    uptimeMs: number;
    version: string;
    topics: number;
    bytes: number;
    /** Connections open now and requests since start, per front door (Kafka: null without a listener). */
    socketConnections: number;
    socketRequests: number;
    kafkaConnections: number | null;
    kafkaRequests: number | null;
  } | null;
  /** A Kafka cluster (--broker kafka://…): its id, controller and brokers. */
  cluster?: { clusterId: string; controller: number; brokers: number; topics: number };
  topics: TopTopic[];
  groups: GroupSummary[];
}
