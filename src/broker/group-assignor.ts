// Server-side partition assignment for a consumer group: balanced (no member gets two more
// partitions than another member that could take them) and sticky (a partition stays with the
// member that owns it whenever balance allows). Pure: members and partitions in, assignment out.
//
// 1. Keep each partition with its current owner while the owner is subscribed to it and below
//    the ceiling ceil(partitions / members).
// 2. Give every other partition to the eligible member with the fewest (ties: member id).
// 3. While some member has two more than an eligible other, move one partition across.

import type { TopicPartition } from '../protocol/messages/topic-partitions.js';

export type { TopicPartition };

export interface AssignorMember {
  memberId: string;
  /** Whether the member's subscription covers `topic`. */
  subscribes(topic: string): boolean;
  /** What it owns now (its previous assignment). */
  owned: readonly TopicPartition[];
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

export function assignPartitions(members: readonly AssignorMember[], partitions: readonly TopicPartition[]): Map<string, TopicPartition[]> {
  const ordered = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const result = new Map<string, TopicPartition[]>(ordered.map((m) => [m.memberId, []]));
  if (ordered.length === 0) return result;
  const eligible = (tp: TopicPartition) => ordered.filter((m) => m.subscribes(tp.topic));
  const assignable = partitions.filter((tp) => eligible(tp).length > 0);
  const ceiling = Math.ceil(assignable.length / ordered.length);

  const previousOwner = new Map<string, string>();
  for (const m of ordered) for (const tp of m.owned) previousOwner.set(tpKey(tp), m.memberId);

  const unplaced: TopicPartition[] = [];
  for (const tp of assignable) {
    const ownerId = previousOwner.get(tpKey(tp));
    const owner = ordered.find((m) => m.memberId === ownerId);
    const list = owner === undefined ? undefined : result.get(owner.memberId);
    if (owner !== undefined && list !== undefined && owner.subscribes(tp.topic) && list.length < ceiling) list.push(tp);
    else unplaced.push(tp);
  }
  for (const tp of unplaced) {
    const target = leastLoaded(eligible(tp), result);
    result.get(target.memberId)!.push(tp);
  }
  rebalance(ordered, result);
  for (const list of result.values()) list.sort(compareTp);
  return result;
}

function leastLoaded(candidates: readonly AssignorMember[], result: Map<string, TopicPartition[]>): AssignorMember {
  let best = candidates[0]!;
  for (const m of candidates) if (result.get(m.memberId)!.length < result.get(best.memberId)!.length) best = m;
  return best;
}

/** Move partitions from the most to the least loaded eligible member until no gap of two is left. */
function rebalance(members: readonly AssignorMember[], result: Map<string, TopicPartition[]>): void {
  for (let moved = true; moved; ) {
    moved = false;
    for (const from of members) {
      const fromList = result.get(from.memberId)!;
      for (let i = fromList.length - 1; i >= 0 && !moved; i--) {
        const tp = fromList[i]!;
        const to = members.find((m) => m.subscribes(tp.topic) && result.get(m.memberId)!.length + 2 <= fromList.length);
        if (to === undefined) continue;
        fromList.splice(i, 1);
        result.get(to.memberId)!.push(tp);
        moved = true;
      }
      if (moved) break;
    }
  }
}

export function compareTp(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}
