// Whether a member that has read all it owns up to its stops (-e, --until N) may leave the group:
// not while a partition of the group's topics still has records before its stop and no other
// member to read them. That is the case for a moment after another member has left or released
// a partition, before the rebalance hands it to this one: a member that left then, on the
// assignment it knew, would leave those records unread by the whole group (three members started
// together with -e could end with a partition nobody read).
import type { TargetAdmin } from '../target/target.js';
import type { TopicPartition } from '../../protocol/messages/topic-partitions.js';

export interface UnclaimedWorkQuery {
  group: string;
  /** Names or patterns the member subscribed to. */
  topics: string[];
  memberId: string;
  /** The partitions this member owns, all read up to their stops. */
  owned: readonly TopicPartition[];
  reset: 'earliest' | 'latest';
  /** Where reading a partition would stop, given its log end offset now. */
  stopAt: (logEndOffset: number) => number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export async function unclaimedWork(admin: TargetAdmin, query: UnclaimedWorkQuery): Promise<boolean> {
  const [metadata, description] = await Promise.all([admin.metadata({ topics: [...query.topics] }), admin.describeGroup(query.group)]);
  const claimed = new Set(query.owned.map((tp) => key(tp.topic, tp.partition)));
  for (const p of description.partitions) {
    if (p.memberId !== null && p.memberId !== query.memberId) claimed.add(key(p.topic, p.partition));
  }
  for (const topic of metadata.topics) {
    const partitions = [...Array(topic.partitions).keys()].filter((p) => !claimed.has(key(topic.name, p)));
    if (partitions.length === 0) continue;
    const [committed, offsets] = await Promise.all([
      admin.committedOffsets(query.group, partitions.map((partition) => ({ topic: topic.name, partition }))),
      admin.listOffsets({ topic: topic.name, partitions }),
    ]);
    const committedAt = new Map(committed.map((c) => [c.partition, c.offset]));
    for (const o of offsets) {
      const from = committedAt.get(o.partition) ?? (query.reset === 'latest' ? o.logEndOffset : o.logStartOffset);
      if (from < query.stopAt(o.logEndOffset)) return true;
    }
  }
  return false;
}
