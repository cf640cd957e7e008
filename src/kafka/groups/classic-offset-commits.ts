// OffsetCommit and OffsetDelete for Kafka's classic groups, with Apache Kafka's rules: a member
// commits at its group's current generation (a commit also counts as a sign of life), nothing is
// taken while a group completes a rebalance, and a commit from outside any group (generation -1,
// no member id: a standalone consumer, an admin tool) only while the group has no members. The
// offsets land in the one store spool's own groups use (storage/group-store.ts).
import { ErrorCode } from '../../common/error-codes.js';
import type { GroupDirectory } from '../../broker/group-directory.js';
import type { TopicPartition } from '../../protocol/messages/topic-partitions.js';
import type { OffsetToSave } from '../../storage/group-store.js';
import { CONSUMER_PROTOCOL_TYPE } from '../protocol/consumer-protocol.js';
import type { ClassicGroup, ClassicMember } from './classic-group.js';

/** Who commits: the member id and generation a request carries. */
export interface MemberRef {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** What the offset rules need of the coordinator. */
export interface ClassicGroups {
  group(name: string): ClassicGroup | undefined;
  keepAlive(group: ClassicGroup, member: ClassicMember): void;
}

export class ClassicOffsetCommits {
  readonly #groups: ClassicGroups;
  readonly #directory: GroupDirectory;
  readonly #now: () => number;

  constructor(groups: ClassicGroups, directory: GroupDirectory, now: () => number) {
    this.#groups = groups;
    this.#directory = directory;
    this.#now = now;
  }

  /** Stores the offsets and answers 0, or answers the error every partition gets. */
  commit(request: MemberRef, offsets: readonly OffsetToSave[]): number {
    if (request.groupId === '') return ErrorCode.InvalidGroupId;
    const simple = request.generationId < 0 && request.memberId === '' && request.groupInstanceId === null;
    const group = this.#groups.group(request.groupId);
    if (group === undefined) {
      // Not held here: an idle group, a new one, or one spool's consumers are in.
      if (this.#directory.memberCount(request.groupId) > 0) return ErrorCode.UnknownMemberId;
      if (request.generationId >= 0) return ErrorCode.IllegalGeneration;
      if (!simple) return ErrorCode.UnknownMemberId;
      this.#directory.ensure(request.groupId, 'kafka', null);
      this.#store(request.groupId, offsets);
      return ErrorCode.None;
    }
    if (group.is('Dead')) return ErrorCode.CoordinatorNotAvailable;
    if (!simple) {
      const invalid = group.validateMember(request.memberId, request.groupInstanceId) ?? (request.generationId !== group.generationId ? ErrorCode.IllegalGeneration : null);
      if (invalid !== null) return invalid;
    } else if (!group.is('Empty')) {
      return ErrorCode.UnknownMemberId;
    }
    switch (group.state) {
      case 'Empty':
        break;
      case 'Stable':
      case 'PreparingRebalance': {
        // Offsets are taken during PreparingRebalance: the member learns of the rebalance from
        // its next heartbeat, and commits what it processed before it rejoins.
        const member = group.members.get(request.memberId);
        if (member !== undefined) this.#groups.keepAlive(group, member);
        break;
      }
      case 'CompletingRebalance':
        return ErrorCode.RebalanceInProgress;
    }
    this.#store(request.groupId, offsets);
    return ErrorCode.None;
  }

  /**
   * OffsetDelete: the group-level error, and per partition either deleted (0) or refused because
   * a live member subscribes to its topic (GROUP_SUBSCRIBED_TO_TOPIC).
   */
  delete(groupId: string, partitions: readonly TopicPartition[]): { errorCode: number; results: Array<TopicPartition & { errorCode: number }> } {
    const overview = this.#directory.overview(groupId);
    if (overview === undefined) return { errorCode: ErrorCode.GroupIdNotFound, results: [] };
    let subscribed = new Set<string>();
    if (overview.members.length > 0) {
      const group = this.#groups.group(groupId);
      if (group !== undefined && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return { errorCode: ErrorCode.NonEmptyGroup, results: [] };
      subscribed = new Set([...overview.subscribed, ...overview.members.flatMap((m) => m.assignment)].map((tp) => tp.topic));
    }
    const results = partitions.map((tp) => {
      if (subscribed.has(tp.topic)) return { ...tp, errorCode: ErrorCode.GroupSubscribedToTopic };
      this.#directory.store.offsetDelete(groupId, tp.topic, tp.partition);
      return { ...tp, errorCode: ErrorCode.None };
    });
    return { errorCode: ErrorCode.None, results };
  }

  #store(groupId: string, offsets: readonly OffsetToSave[]): void {
    if (offsets.length > 0) this.#directory.store.offsetsSave(groupId, offsets, this.#now());
  }
}
