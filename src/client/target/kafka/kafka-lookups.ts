// Offsets and topics of a Kafka cluster as spool's admin answers need them, through the client
// library's Admin: the topics (without Kafka's internal ones), a topic's partition count, and
// ListOffsets of many partitions at once (earliest, latest, by time, max timestamp).
import type { Admin } from '@platformatic/kafka';
import { ErrorCode } from '../../../common/error-codes.js';
import { BrokerError } from '../../../common/errors.js';
import type { TopicPartition } from '../../../protocol/messages/topic-partitions.js';

export const EARLIEST = -2n;
export const LATEST = -1n;
export const MAX_TIMESTAMP = -3n;

export interface PartitionEnds {
  logStartOffset: number;
  logEndOffset: number;
}

export const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
export const compareTp = (a: TopicPartition, b: TopicPartition) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);
export const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function topicMissing(name: string): string {
  return `topic "${name}" does not exist`;
}

export async function topicNames(admin: Admin): Promise<string[]> {
  return (await admin.listTopics()).filter((name) => !name.startsWith('__'));
}

export async function requireTopic(admin: Admin, name: string): Promise<string> {
  if (!(await topicNames(admin)).includes(name)) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, topicMissing(name));
  return name;
}

export async function partitionCount(admin: Admin, topic: string): Promise<number> {
  await requireTopic(admin, topic);
  const metadata = await admin.metadata({ topics: [topic] });
  return metadata.topics.get(topic)?.partitionsCount ?? 0;
}

/** Log start and end offsets of `tps`. */
export async function partitionEnds(admin: Admin, tps: readonly TopicPartition[]): Promise<Map<string, PartitionEnds>> {
  const [starts, ends] = await Promise.all([offsetsAt(admin, tps, EARLIEST), offsetsAt(admin, tps, LATEST)]);
  const result = new Map<string, PartitionEnds>();
  for (const tp of tps) {
    const key = tpKey(tp);
    result.set(key, { logStartOffset: starts.get(key)?.offset ?? 0, logEndOffset: ends.get(key)?.offset ?? 0 });
  }
  return result;
}

/** ListOffsets of `tps` at one timestamp (or EARLIEST, LATEST, MAX_TIMESTAMP). */
export async function offsetsAt(admin: Admin, tps: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, { offset: number; timestamp: number }>> {
  const result = new Map<string, { offset: number; timestamp: number }>();
  if (tps.length === 0) return result;
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  const listed = await admin.listOffsets({
    topics: [...byTopic].map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
  });
  for (const t of listed) {
    for (const p of t.partitions) result.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { offset: Number(p.offset), timestamp: Number(p.timestamp) });
  }
  return result;
}
