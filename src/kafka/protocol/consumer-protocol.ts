// The consumer protocol: what Kafka's consumers put in the opaque bytes of JoinGroup and
// SyncGroup ("consumer" protocol type). The coordinator never needs them to run a group; spool
// reads them only to show what members subscribe to and own (`spool group describe`), and
// writes an assignment to describe spool's own groups to Kafka admin clients.
//
//   ConsumerProtocolSubscription (v0-3) => version:int16 [topics:string] user_data:nullable_bytes
//       v1+: [owned_partitions => topic:string [partitions:int32]]   v2+: generation_id:int32
//       v3+: rack_id:nullable_string
//   ConsumerProtocolAssignment (v0-3) => version:int16 [assigned_partitions => topic:string
//       [partitions:int32]] user_data:nullable_bytes
//
// Never flexible. A newer version only appends fields, so a reader takes what it knows and
// ignores the rest, as Kafka's own deserializer does.
import type { TopicPartition } from '../../protocol/messages/topic-partitions.js';
import { WireReader } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface ConsumerSubscription {
  version: number;
  topics: string[];
  ownedPartitions: TopicPartition[];
}

/** The subscription in a member's JoinGroup metadata, or null when it is not one. */
export function decodeSubscription(bytes: Buffer): ConsumerSubscription | null {
  return tryDecode(bytes, (r) => {
    const version = r.int16();
    const topics = readArray(r, () => r.string());
    r.nullableBytes();
    const ownedPartitions = version >= 1 && r.remaining > 0 ? readTopicPartitions(r) : [];
    return { version, topics, ownedPartitions };
  });
}

/** The partitions in an assignment the leader handed out, or null when it is not one. */
export function decodeAssignment(bytes: Buffer): TopicPartition[] | null {
  if (bytes.length === 0) return [];
  return tryDecode(bytes, (r) => {
    r.int16();
    return readTopicPartitions(r);
  });
}

/** A version 0 assignment of `partitions` (no user data). */
export function encodeAssignment(partitions: readonly TopicPartition[]): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) {
    const list = byTopic.get(tp.topic) ?? [];
    list.push(tp.partition);
    byTopic.set(tp.topic, list);
  }
  const w = new WireWriter();
  w.int16(0);
  w.arrayLength(byTopic.size);
  for (const [topic, list] of byTopic) {
    w.nullableString(topic);
    w.arrayLength(list.length);
    for (const p of list) w.int32(p);
  }
  w.nullableBytes(null);
  return Buffer.concat(w.finish());
}

function readTopicPartitions(r: WireReader): TopicPartition[] {
  const out: TopicPartition[] = [];
  const topics = r.arrayLength(4);
  for (let t = 0; t < topics; t++) {
    const topic = r.string();
    const count = r.arrayLength(4);
    for (let i = 0; i < count; i++) out.push({ topic, partition: r.int32() });
  }
  return out;
}

function readArray<T>(r: WireReader, item: () => T): T[] {
  const n = r.arrayLength(2);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(item());
  return out;
}

function tryDecode<T>(bytes: Buffer, read: (r: WireReader) => T): T | null {
  try {
    return read(new WireReader(bytes));
  } catch {
    return null;
  }
}
