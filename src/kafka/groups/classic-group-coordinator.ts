// ClassicGroupCoordinator: Kafka's classic group protocol (client-side assignment), as Apache
// Kafka's GroupCoordinator runs it. Members join (JoinGroup), the coordinator waits until every
// known member has rejoined or the rebalance timeout passes, elects a leader, answers every
// join with the new generation (the leader's answer lists everyone's subscription), holds each
// SyncGroup until the leader's assignments arrive, and relays them. Heartbeats keep a member
// alive and tell it when to rejoin; a member silent past its session timeout is removed and the
// rest rebalance. Static members (group.instance.id) that come back within their session
// timeout take their old place without a rebalance.
//
// Waiting answers (JoinGroup, SyncGroup) are callbacks that the handlers turn into Promises; the
// only timers are session timeouts, the end of a join phase and the wait for SyncGroups.
// Single-threaded: everything runs on the broker's event loop.
//
// Group names are shared with spool's own coordinator through the GroupDirectory: this is its
// 'kafka' driver, and a group whose members are spool consumers is refused with
// INCONSISTENT_GROUP_PROTOCOL. Offset commits follow the rules in classic-offset-commits.ts.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { GroupDirectory, GroupDriver, GroupOverview } from '../../broker/group-directory.js';
import { ClassicGroup, joinError, sameProtocols, syncError, type ClassicMember, type JoinResult, type MemberProtocol, type SyncResult } from './classic-group.js';
import { classicGroupOverview } from './classic-group-overview.js';
import { ClassicOffsetCommits, type MemberRef } from './classic-offset-commits.js';

export type { MemberRef };

/** Session timeouts a member may ask for. Kafka's minimum is 6 s; a local broker allows quicker failover. */
export const MIN_SESSION_TIMEOUT_MS = 1000;
export const MAX_SESSION_TIMEOUT_MS = 1_800_000;
/** How long a new member's JoinGroup may wait before it is dropped (its client retries). */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

export interface JoinRequest {
  groupId: string;
  /** '' for a member without an id yet. */
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+: an unknown member first gets an id (MEMBER_ID_REQUIRED) and joins again with it. */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  reason: string | null;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: ReadonlyMap<string, Buffer>;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason: string | null;
}

export interface CoordinatorTopics {
  /** Partitions of a topic, 0 when it does not exist. */
  partitionCount(topic: string): number;
}

export class ClassicGroupCoordinator implements GroupDriver {
  readonly protocol = 'kafka';
  readonly #directory: GroupDirectory;
  readonly #topics: CoordinatorTopics;
  readonly #logger: Logger;
  readonly #groups = new Map<string, ClassicGroup>();
  /** OffsetCommit and OffsetDelete, under this coordinator's rules. */
  readonly offsets: ClassicOffsetCommits;

  constructor(directory: GroupDirectory, topics: CoordinatorTopics, logger: Logger, now: () => number = Date.now) {
    this.#directory = directory;
    this.#topics = topics;
    this.#logger = logger;
    this.offsets = new ClassicOffsetCommits(this, directory, now);
    directory.register(this);
  }

  /** A group this coordinator holds (for DescribeGroups and ListGroups). */
  group(name: string): ClassicGroup | undefined {
    return this.#groups.get(name);
  }

  join(request: JoinRequest): Promise<JoinResult> {
    return new Promise((resolve) => this.#join(request, resolve));
  }

  sync(request: SyncRequest): Promise<SyncResult> {
    return new Promise((resolve) => this.#sync(request, resolve));
  }

  /** A heartbeat's error code (0: carry on; REBALANCE_IN_PROGRESS: rejoin). */
  heartbeat(request: MemberRef): number {
    if (request.groupId === '') return ErrorCode.InvalidGroupId;
    const group = this.#groups.get(request.groupId);
    if (group === undefined) return ErrorCode.UnknownMemberId;
    if (group.is('Dead')) return ErrorCode.CoordinatorNotAvailable;
    const invalid = group.validateMember(request.memberId, request.groupInstanceId);
    if (invalid !== null) return invalid;
    const member = group.members.get(request.memberId)!;
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UnknownMemberId;
      case 'CompletingRebalance':
        // A member may heartbeat between its JoinGroup answer and its SyncGroup.
        this.keepAlive(group, member);
        return ErrorCode.None;
      case 'PreparingRebalance':
        this.keepAlive(group, member);
        return ErrorCode.RebalanceInProgress;
      case 'Stable':
        if (request.generationId !== group.generationId) return ErrorCode.IllegalGeneration;
        this.keepAlive(group, member);
        return ErrorCode.None;
      case 'Dead':
        return ErrorCode.CoordinatorNotAvailable;
    }
  }

  /** LeaveGroup: each member by id, or a static member by instance id alone (an admin's removal). */
  leave(groupId: string, leaving: readonly LeavingMember[]): { errorCode: number; members: Array<LeavingMember & { errorCode: number }> } {
    if (groupId === '') return { errorCode: ErrorCode.InvalidGroupId, members: [] };
    const group = this.#groups.get(groupId);
    if (group === undefined) return { errorCode: ErrorCode.None, members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UnknownMemberId })) };
    if (group.is('Dead')) return { errorCode: ErrorCode.CoordinatorNotAvailable, members: [] };
    const members = leaving.map((m) => ({ ...m, errorCode: this.#leaveOne(group, m) }));
    return { errorCode: ErrorCode.None, members };
  }

  // --- GroupDriver ---

  overview(name: string): GroupOverview | undefined {
    const group = this.#groups.get(name);
    return group === undefined ? undefined : classicGroupOverview(group, this.#topics.partitionCount);
  }

  memberCount(name: string): number {
    return this.#groups.get(name)?.members.size ?? 0;
  }

  forget(name: string): void {
    const group = this.#groups.get(name);
    if (group === undefined) return;
    this.#kill(group, ErrorCode.CoordinatorNotAvailable);
    this.#groups.delete(name);
  }

  /** Answer whatever waits and stop every timer (broker shutdown). */
  close(): void {
    for (const group of this.#groups.values()) this.#kill(group, ErrorCode.CoordinatorNotAvailable);
    this.#groups.clear();
    this.#directory.unregister(this);
  }

  // --- JoinGroup ---

  #join(request: JoinRequest, respond: (result: JoinResult) => void): void {
    if (request.groupId === '') return respond(joinError(request.memberId, ErrorCode.InvalidGroupId));
    if (request.sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS || request.sessionTimeoutMs > MAX_SESSION_TIMEOUT_MS) {
      return respond(joinError(request.memberId, ErrorCode.InvalidSessionTimeout));
    }
    const unknownMember = request.memberId === '';
    let group = this.#groups.get(request.groupId);
    if (group === undefined) {
      // Only a member without an id creates (or takes over) a group; one with an id is stale.
      if (!unknownMember) return respond(joinError(request.memberId, ErrorCode.UnknownMemberId));
      try {
        const row = this.#directory.claim(request.groupId, 'kafka', request.protocolType);
        group = new ClassicGroup(row.name, row.generation, row.createdMs, row.protocolType);
      } catch (err) {
        if (!(err instanceof SpoolError)) throw err;
        this.#logger.info(`kafka client "${request.clientId}" (${request.clientHost}) refused from group ${request.groupId}: ${err.message}`);
        return respond(joinError(request.memberId, err.code));
      }
      this.#groups.set(group.name, group);
    }
    if (unknownMember) this.#newMemberJoin(group, request, respond);
    else this.#currentMemberJoin(group, request, respond);
    this.#tryCompleteJoin(group);
  }

  #newMemberJoin(group: ClassicGroup, request: JoinRequest, respond: (result: JoinResult) => void): void {
    if (group.is('Dead')) return respond(joinError('', ErrorCode.CoordinatorNotAvailable));
    if (!group.supportsProtocols(request.protocolType, request.protocols)) return respond(joinError('', ErrorCode.InconsistentGroupProtocol));
    const memberId = group.generateMemberId(request.clientId, request.groupInstanceId);
    if (request.groupInstanceId !== null) {
      const current = group.staticMembers.get(request.groupInstanceId);
      if (current !== undefined) this.#replaceStaticMember(group, current, memberId, request, respond);
      else this.#addMemberAndRebalance(group, memberId, request, respond);
    } else if (request.requireKnownMemberId) {
      // KIP-394: remember the id, and forget it unless the member comes back with it in time.
      group.addPendingMember(memberId, setTimeout(() => this.#expirePendingMember(group, memberId), request.sessionTimeoutMs));
      respond(joinError(memberId, ErrorCode.MemberIdRequired));
    } else {
      this.#addMemberAndRebalance(group, memberId, request, respond);
    }
  }

  #currentMemberJoin(group: ClassicGroup, request: JoinRequest, respond: (result: JoinResult) => void): void {
    const memberId = request.memberId;
    if (group.is('Dead')) return respond(joinError(memberId, ErrorCode.CoordinatorNotAvailable));
    if (!group.supportsProtocols(request.protocolType, request.protocols)) return respond(joinError(memberId, ErrorCode.InconsistentGroupProtocol));
    if (group.pendingMembers.has(memberId)) return this.#addMemberAndRebalance(group, memberId, request, respond);
    const invalid = group.validateMember(memberId, request.groupInstanceId);
    if (invalid !== null) return respond(joinError(memberId, invalid));
    const member = group.members.get(memberId)!;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.#updateMemberAndRebalance(group, member, request.protocols, respond, `${memberId} rejoined`);
      case 'CompletingRebalance':
        // The same metadata: it missed its JoinGroup answer; give it the current generation again.
        if (sameProtocols(member.protocols, request.protocols)) return respond(group.currentGeneration(memberId, group.isLeader(memberId)));
        return this.#updateMemberAndRebalance(group, member, request.protocols, respond, `${memberId} changed its subscription`);
      case 'Stable':
        // The leader rejoins to have the assignment redone (e.g. a topic it follows grew).
        if (group.isLeader(memberId)) return this.#updateMemberAndRebalance(group, member, request.protocols, respond, `leader ${memberId} rejoined`);
        if (!sameProtocols(member.protocols, request.protocols)) {
          return this.#updateMemberAndRebalance(group, member, request.protocols, respond, `${memberId} changed its subscription`);
        }
        return respond(group.currentGeneration(memberId, false));
      case 'Empty':
      case 'Dead':
        return respond(joinError(memberId, ErrorCode.UnknownMemberId));
    }
  }

  #addMemberAndRebalance(group: ClassicGroup, memberId: string, request: JoinRequest, respond: (result: JoinResult) => void): void {
    const member: ClassicMember = {
      memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
      assignment: Buffer.alloc(0),
      awaitingJoin: null,
      awaitingSync: null,
      isNew: true,
      expiry: null,
    };
    group.add(member, respond);
    // A new member's socket is muted while its JoinGroup waits, so it cannot heartbeat: its join
    // expires on its own, long timeout instead, and a client still there simply retries.
    this.#scheduleExpiry(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.#maybePrepareRebalance(group, `${memberId} joined${reasonNote(request.reason)}`);
  }

  #updateMemberAndRebalance(group: ClassicGroup, member: ClassicMember, protocols: MemberProtocol[], respond: (result: JoinResult) => void, reason: string): void {
    group.updateMember(member, protocols, respond);
    this.#maybePrepareRebalance(group, reason);
  }

  /** A static member came back under a new member id: it takes the old one's place. */
  #replaceStaticMember(group: ClassicGroup, oldMemberId: string, newMemberId: string, request: JoinRequest, respond: (result: JoinResult) => void): void {
    const leaderBefore = group.leaderId;
    const member = group.replaceStaticMember(request.groupInstanceId!, oldMemberId, newMemberId);
    member.clientId = request.clientId;
    member.clientHost = request.clientHost;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    this.keepAlive(group, member);
    group.updateMember(member, request.protocols, respond);
    switch (group.state) {
      case 'Stable':
        // Nothing changes for the group unless the protocol it would pick does: the member gets
        // the current generation and, from SyncGroup, its old assignment. The old leader id is
        // returned so that the member does not think it must assign.
        if (group.protocolName === group.selectProtocol()) {
          this.#logger.info(`group ${group.name}: static member ${request.groupInstanceId} is back as ${newMemberId}, no rebalance`);
          group.answerJoin(member, { ...group.currentGeneration(newMemberId, false), leaderId: leaderBefore ?? '' });
        } else {
          this.#maybePrepareRebalance(group, `static member ${request.groupInstanceId} rejoined with other protocols`);
        }
        return;
      case 'CompletingRebalance':
        // The leader may be assigning for the old member id: start over.
        this.#prepareRebalance(group, `static member ${request.groupInstanceId} rejoined during the rebalance`);
        return;
      case 'PreparingRebalance':
      case 'Empty':
      case 'Dead':
        return;
    }
  }

  #expirePendingMember(group: ClassicGroup, memberId: string): void {
    if (!group.pendingMembers.has(memberId)) return;
    group.remove(memberId);
    this.#tryCompleteJoin(group);
  }

  #maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.canRebalance) this.#prepareRebalance(group, reason);
  }

  #prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.#resetAndPropagateAssignmentError(group, ErrorCode.RebalanceInProgress);
    if (group.syncTimer !== null) clearTimeout(group.syncTimer);
    group.syncTimer = null;
    group.transitionTo('PreparingRebalance');
    this.#logger.info(`group ${group.name} generation ${group.generationId}: preparing to rebalance (${reason})`);
    const timeoutMs = group.rebalanceTimeoutMs;
    if (group.joinTimer !== null) clearTimeout(group.joinTimer);
    group.joinTimer = setTimeout(() => this.#completeJoin(group), timeoutMs);
    this.#tryCompleteJoin(group);
  }

  /** The join phase ends as soon as every known member has rejoined. */
  #tryCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && group.hasAllMembersJoined) this.#completeJoin(group);
  }

  /** The end of a join phase (all rejoined, or the rebalance timeout passed). */
  #completeJoin(group: ClassicGroup): void {
    if (group.joinTimer !== null) clearTimeout(group.joinTimer);
    group.joinTimer = null;
    if (!group.is('PreparingRebalance')) return;
    const gone = [...group.members.values()].filter((m) => m.awaitingJoin === null && m.groupInstanceId === null);
    for (const member of gone) {
      group.remove(member.memberId);
      group.answerSync(member, syncError(ErrorCode.UnknownMemberId));
    }
    if (gone.length > 0) this.#logger.info(`group ${group.name}: removed ${gone.map((m) => m.memberId).join(', ')} (did not rejoin within the rebalance timeout)`);
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Only static members that have not rejoined are left: wait another round for them (their
      // session timeouts remove them if they never come).
      group.joinTimer = setTimeout(() => this.#completeJoin(group), group.rebalanceTimeoutMs);
      return;
    }
    group.initNextGeneration();
    this.#directory.saveGeneration(group.name, group.generationId);
    if (group.is('Empty')) {
      this.#logger.info(`group ${group.name} generation ${group.generationId}: empty`);
      return;
    }
    this.#logger.info(`group ${group.name} generation ${group.generationId}: ${group.members.size} member(s), protocol ${group.protocolName}, leader ${group.leaderId}`);
    for (const member of group.members.values()) {
      group.answerJoin(member, group.currentGeneration(member.memberId, group.isLeader(member.memberId)));
      this.keepAlive(group, member);
      member.isNew = false;
      group.pendingSync.add(member.memberId);
    }
    const generation = group.generationId;
    group.syncTimer = setTimeout(() => this.#expirePendingSync(group, generation), group.rebalanceTimeoutMs);
  }

  /** Members that got their JoinGroup answer but never sent a SyncGroup are removed. */
  #expirePendingSync(group: ClassicGroup, generation: number): void {
    group.syncTimer = null;
    if (generation !== group.generationId || !(group.is('CompletingRebalance') || group.is('Stable'))) return;
    if (group.pendingSync.size === 0) return;
    const missing = [...group.pendingSync];
    for (const memberId of missing) {
      const member = group.remove(memberId);
      if (member !== undefined) group.answerSync(member, syncError(ErrorCode.UnknownMemberId));
    }
    this.#maybePrepareRebalance(group, `${missing.join(', ')} sent no SyncGroup within the rebalance timeout`);
  }

  // --- SyncGroup ---

  #sync(request: SyncRequest, respond: (result: SyncResult) => void): void {
    if (request.groupId === '') return respond(syncError(ErrorCode.InvalidGroupId));
    const group = this.#groups.get(request.groupId);
    if (group === undefined) return respond(syncError(ErrorCode.UnknownMemberId));
    if (group.is('Dead')) return respond(syncError(ErrorCode.CoordinatorNotAvailable));
    const invalid =
      group.validateMember(request.memberId, request.groupInstanceId) ??
      (request.generationId !== group.generationId
        ? ErrorCode.IllegalGeneration
        : (request.protocolType !== null && request.protocolType !== group.protocolType) || (request.protocolName !== null && request.protocolName !== group.protocolName)
          ? ErrorCode.InconsistentGroupProtocol
          : null);
    if (invalid !== null) return respond(syncError(invalid));
    const member = group.members.get(request.memberId)!;
    switch (group.state) {
      case 'Empty':
        return respond(syncError(ErrorCode.UnknownMemberId));
      case 'PreparingRebalance':
        return respond(syncError(ErrorCode.RebalanceInProgress));
      case 'CompletingRebalance':
        member.awaitingSync = respond;
        group.pendingSync.delete(member.memberId);
        if (group.isLeader(member.memberId)) {
          const missing = [...group.members.keys()].filter((id) => !request.assignments.has(id));
          if (missing.length > 0) this.#logger.warn(`group ${group.name} generation ${group.generationId}: the leader assigned nothing to ${missing.join(', ')}`);
          for (const m of group.members.values()) m.assignment = request.assignments.get(m.memberId) ?? Buffer.alloc(0);
          this.#propagateAssignment(group, ErrorCode.None);
          group.transitionTo('Stable');
          this.#logger.info(`group ${group.name} generation ${group.generationId}: stable, assignment from leader ${member.memberId}`);
        }
        return;
      case 'Stable':
        group.pendingSync.delete(member.memberId);
        respond({ errorCode: ErrorCode.None, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
        this.keepAlive(group, member);
        return;
      case 'Dead':
        return respond(syncError(ErrorCode.CoordinatorNotAvailable));
    }
  }

  #resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) member.assignment = Buffer.alloc(0);
    this.#propagateAssignment(group, errorCode);
  }

  #propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.None;
    for (const member of group.members.values()) {
      const answered = group.answerSync(member, {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: member.assignment,
      });
      // Its session may have run out while it waited: it starts again from its answer.
      if (answered) this.keepAlive(group, member);
    }
  }

  // --- LeaveGroup and failures ---

  #leaveOne(group: ClassicGroup, leaving: LeavingMember): number {
    if (leaving.memberId === '') {
      // An admin removes a static member by its instance id.
      const current = leaving.groupInstanceId === null ? undefined : group.staticMembers.get(leaving.groupInstanceId);
      if (current === undefined) return ErrorCode.UnknownMemberId;
      this.#removeMember(group, group.members.get(current)!, `static member ${leaving.groupInstanceId} removed${reasonNote(leaving.reason)}`);
      return ErrorCode.None;
    }
    if (group.pendingMembers.has(leaving.memberId)) {
      group.remove(leaving.memberId);
      this.#tryCompleteJoin(group);
      return ErrorCode.None;
    }
    const invalid = group.validateMember(leaving.memberId, leaving.groupInstanceId);
    if (invalid !== null) return invalid;
    this.#removeMember(group, group.members.get(leaving.memberId)!, `${leaving.memberId} left${reasonNote(leaving.reason)}`);
    return ErrorCode.None;
  }

  #removeMember(group: ClassicGroup, member: ClassicMember, reason: string): void {
    // A member removed while its JoinGroup or SyncGroup waits gets UNKNOWN_MEMBER_ID, so that a
    // client still there joins again.
    group.answerJoin(member, joinError('', ErrorCode.UnknownMemberId));
    group.answerSync(member, syncError(ErrorCode.UnknownMemberId));
    group.remove(member.memberId);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.#maybePrepareRebalance(group, reason);
        return;
      case 'PreparingRebalance':
        this.#logger.info(`group ${group.name}: ${reason}`);
        this.#tryCompleteJoin(group);
        return;
      case 'Empty':
      case 'Dead':
        return;
    }
  }

  /** The member showed it is alive (a heartbeat, a commit, an answer): its session starts over. */
  keepAlive(group: ClassicGroup, member: ClassicMember): void {
    this.#scheduleExpiry(group, member, member.sessionTimeoutMs);
  }

  #scheduleExpiry(group: ClassicGroup, member: ClassicMember, timeoutMs: number): void {
    if (member.expiry !== null) clearTimeout(member.expiry);
    member.expiry = setTimeout(() => this.#expire(group, member), timeoutMs);
  }

  /**
   * A member's session ran out. One whose JoinGroup or SyncGroup waits is alive (its socket is
   * muted meanwhile), unless it is new: then its join itself has waited too long.
   */
  #expire(group: ClassicGroup, member: ClassicMember): void {
    member.expiry = null;
    if (group.members.get(member.memberId) !== member) return;
    if (!member.isNew && (member.awaitingJoin !== null || member.awaitingSync !== null)) return;
    this.#removeMember(group, member, `${member.memberId} timed out (session timeout ${member.sessionTimeoutMs} ms)`);
  }

  /** The group goes: answer whatever waits with `errorCode`, stop its timers. */
  #kill(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      group.answerJoin(member, joinError(member.memberId, errorCode));
      group.answerSync(member, syncError(errorCode));
      if (member.expiry !== null) clearTimeout(member.expiry);
      member.expiry = null;
    }
    for (const timer of group.pendingMembers.values()) clearTimeout(timer);
    group.pendingMembers.clear();
    if (group.joinTimer !== null) clearTimeout(group.joinTimer);
    if (group.syncTimer !== null) clearTimeout(group.syncTimer);
    group.joinTimer = null;
    group.syncTimer = null;
    group.transitionTo('Dead');
  }
}

function reasonNote(reason: string | null): string {
  return reason === null || reason === '' ? '' : ` (client: ${reason})`;
}
