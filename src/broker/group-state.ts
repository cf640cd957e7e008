// The life of a consumer group, as a tagged union with its transitions (after Kafka's
// ClassicGroupState). A group's state follows from its members, so it is recomputed after every
// event rather than stored:
//
//   empty        no members; committed offsets may remain.
//                action: join -> assign all partitions to the first member
//                transition: join -> rebalancing; delete -> dead
//   rebalancing  some member's owned partitions differ from its target assignment (a partition
//                is being handed from one member to another, or a new member waits for one).
//                action: answer parked heartbeats with the new assignments; hand a partition to
//                its new owner once the old owner reports it released
//                transition: every member owns its target -> stable; join/leave/timeout ->
//                rebalancing (new generation); last member gone -> empty
//   stable       every member owns exactly its target.
//                transition: join, leave, session timeout, new partitions of a subscribed topic
//                -> rebalancing (new generation); last member leaves -> empty
//   dead         deleted; no member may join it again under this object.
//                transition: none (a later join creates a new group)
import type { GroupStateName } from '../protocol/messages/group-admin.js';

export type GroupState = { kind: 'empty' } | { kind: 'rebalancing'; since: number } | { kind: 'stable' } | { kind: 'dead' };

export interface MemberOwnership {
  targetKeys: ReadonlySet<string>;
  ownedKeys: ReadonlySet<string>;
}

/** The state a live group is in, given its members; `previous` keeps the rebalance start. */
export function deriveState(previous: GroupState, members: readonly MemberOwnership[], nowMs: number): GroupState {
  if (previous.kind === 'dead') return previous;
  if (members.length === 0) return { kind: 'empty' };
  const settled = members.every((m) => m.targetKeys.size === m.ownedKeys.size && [...m.targetKeys].every((k) => m.ownedKeys.has(k)));
  if (settled) return { kind: 'stable' };
  return previous.kind === 'rebalancing' ? previous : { kind: 'rebalancing', since: nowMs };
}

export function stateName(state: GroupState): GroupStateName {
  switch (state.kind) {
    case 'empty':
    case 'rebalancing':
    case 'stable':
    case 'dead':
      return state.kind;
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}
