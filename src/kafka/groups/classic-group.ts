// One group of Kafka's classic protocol (client-side assignment), after Kafka's GroupMetadata:
// its members, the protocols they all support, the leader, static members by group.instance.id,
// members asked to rejoin with an id (KIP-394) and members the coordinator still expects a
// SyncGroup from. The bookkeeping lives here; the coordinator (classic-group-coordinator.ts)
// decides when things happen. Single-threaded: the broker's event loop.
//
//   Empty                no members; committed offsets may remain.
//                        action: a join prepares a rebalance
//                        transition: join -> PreparingRebalance; DeleteGroups -> Dead
//   PreparingRebalance   members are asked to rejoin (heartbeats answer REBALANCE_IN_PROGRESS); the
//                        join phase ends when every known member has rejoined or the rebalance
//                        timeout passes (who has not rejoined is dropped)
//                        action: hold JoinGroup answers until then
//                        transition: join phase over -> CompletingRebalance (members) or Empty (none)
//   CompletingRebalance  everyone got its JoinGroup answer; the leader computes the assignment
//                        action: hold SyncGroup answers until the leader's assignments arrive
//                        transition: leader's SyncGroup -> Stable; join, leave, failure ->
//                        PreparingRebalance
//   Stable               members have their assignments and heartbeat
//                        transition: join of a new member, the leader's rejoin, a changed
//                        subscription, leave, failure -> PreparingRebalance
//   Dead                 deleted, or handed to spool's own coordinator; nothing may join this object
import { nodeCrypto } from '../../common/node-crypto.js';
import { ErrorCode } from '../../common/error-codes.js';

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  /** The leader's answer lists every member's metadata; the others' is empty. */
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface ClassicMember {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  /** In the member's order of preference. */
  protocols: MemberProtocol[];
  assignment: Buffer;
  awaitingJoin: ((result: JoinResult) => void) | null;
  awaitingSync: ((result: SyncResult) => void) | null;
  /** Joined but not yet through its first join phase (expires after NEW_MEMBER_JOIN_TIMEOUT_MS). */
  isNew: boolean;
  expiry: NodeJS.Timeout | null;
}

export function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export class ClassicGroup {
  readonly name: string;
  readonly createdMs: number;
  state: ClassicGroupState = 'Empty';
  generationId: number;
  protocolType: string | null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicMember>();
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, each with the timer that forgets it. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** Members of this generation that have not sent their SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  /** The end of the join phase or of the wait for SyncGroups. */
  joinTimer: NodeJS.Timeout | null = null;
  syncTimer: NodeJS.Timeout | null = null;
  /** A new member joined during the initial delay (it may be extended). */
  newMemberAdded = false;
  readonly #supportedProtocols = new Map<string, number>();
  #awaitingJoin = 0;

  constructor(name: string, generationId: number, createdMs: number, protocolType: string | null) {
    this.name = name;
    this.generationId = generationId;
    this.createdMs = createdMs;
    this.protocolType = protocolType;
  }

  is(state: ClassicGroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: ClassicGroupState): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) throw new Error(`group ${this.name}: no transition from ${this.state} to ${state}`);
    this.state = state;
  }

  /** A rebalance may start from here. */
  get canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  generateMemberId(clientId: string, groupInstanceId: string | null): string {
    return `${groupInstanceId ?? clientId}-${nodeCrypto().randomUUID()}`;
  }

  /** The longest rebalance timeout of the members: how long a join phase may last. */
  get rebalanceTimeoutMs(): number {
    let timeout = 0;
    for (const m of this.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    return timeout;
  }

  get hasAllMembersJoined(): boolean {
    return this.members.size === this.#awaitingJoin && this.pendingMembers.size === 0;
  }

  /**
   * Whether a member with this protocol type and these protocols may join (every non-empty set
   * while the group is empty; else the group's type and one protocol every member supports).
   */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    return this.protocolType === protocolType && protocols.some((p) => this.#supportedProtocols.get(p.name) === this.members.size);
  }

  add(member: ClassicMember, onJoin: ((result: JoinResult) => void) | null): void {
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.#count(member.protocols, 1);
    member.awaitingJoin = onJoin;
    if (onJoin !== null) this.#awaitingJoin++;
    this.#dropPending(member.memberId);
  }

  remove(memberId: string): ClassicMember | undefined {
    const member = this.members.get(memberId);
    if (member !== undefined) {
      this.members.delete(memberId);
      this.#count(member.protocols, -1);
      if (member.awaitingJoin !== null) this.#awaitingJoin--;
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
      if (member.expiry !== null) clearTimeout(member.expiry);
      member.expiry = null;
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.#dropPending(memberId);
    this.pendingSync.delete(memberId);
    return member;
  }

  /** New protocols (and a join to answer, or none) for a member already in the group. */
  updateMember(member: ClassicMember, protocols: MemberProtocol[], onJoin: ((result: JoinResult) => void) | null): void {
    this.#count(member.protocols, -1);
    member.protocols = protocols;
    this.#count(protocols, 1);
    if (onJoin !== null && member.awaitingJoin === null) this.#awaitingJoin++;
    else if (onJoin === null && member.awaitingJoin !== null) this.#awaitingJoin--;
    member.awaitingJoin = onJoin;
  }

  /** Answer a member's held JoinGroup, if any. */
  answerJoin(member: ClassicMember, result: JoinResult): boolean {
    const callback = member.awaitingJoin;
    if (callback === null) return false;
    member.awaitingJoin = null;
    this.#awaitingJoin--;
    callback(result);
    return true;
  }

  /** Answer a member's held SyncGroup, if any. */
  answerSync(member: ClassicMember, result: SyncResult): boolean {
    const callback = member.awaitingSync;
    if (callback === null) return false;
    member.awaitingSync = null;
    callback(result);
    return true;
  }

  /** A static member restarted with a new member id: it takes the old one's place (and assignment). */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const member = this.members.get(oldMemberId);
    if (member === undefined) throw new Error(`static member ${groupInstanceId} has no member ${oldMemberId}`);
    this.members.delete(oldMemberId);
    // The old incarnation may still wait for an answer: it is fenced.
    this.answerJoin(member, joinError(oldMemberId, ErrorCode.FencedInstanceId));
    this.answerSync(member, syncError(ErrorCode.FencedInstanceId));
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.pendingSync.delete(oldMemberId)) this.pendingSync.add(newMemberId);
    return member;
  }

  /** The error for a member that is not the current one (by id, or by instance id for a static one); null when it is. */
  validateMember(memberId: string, groupInstanceId: string | null): number | null {
    if (groupInstanceId !== null) {
      if (!this.staticMembers.has(groupInstanceId)) return ErrorCode.UnknownMemberId;
      if (this.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FencedInstanceId;
      return null;
    }
    return this.members.has(memberId) ? null : ErrorCode.UnknownMemberId;
  }

  /** The current generation as a JoinGroup answer; the leader's lists every member's subscription. */
  currentGeneration(memberId: string, withMembers: boolean): JoinResult {
    return {
      errorCode: ErrorCode.None,
      memberId,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leaderId: this.leaderId ?? '',
      members: withMembers
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? Buffer.alloc(0),
          }))
        : [],
    };
  }

  /** Whether `memberId` is an old incarnation of static member `groupInstanceId`. */
  isStaticMemberFenced(memberId: string, groupInstanceId: string): boolean {
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  /** The protocol every member supports that most members like best. */
  selectProtocol(): string {
    const candidates = [...this.#supportedProtocols].filter(([, n]) => n === this.members.size).map(([name]) => name);
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const vote = member.protocols.find((p) => candidates.includes(p.name))?.name;
      if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best = '';
    let most = -1;
    for (const [name, count] of votes) {
      if (count > most) [best, most] = [name, count];
    }
    return best;
  }

  /** If the leader has not rejoined, another member that has becomes leader; false when none has. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.awaitingJoin != null) return true;
    for (const member of this.members.values()) {
      if (member.awaitingJoin !== null) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  /** The end of a join phase: the next generation, its protocol, and who must sync. */
  initNextGeneration(): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.transitionTo('Empty');
    }
    this.pendingSync.clear();
  }

  addPendingMember(memberId: string, timer: NodeJS.Timeout): void {
    this.pendingMembers.set(memberId, timer);
  }

  #dropPending(memberId: string): void {
    const timer = this.pendingMembers.get(memberId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pendingMembers.delete(memberId);
  }

  #count(protocols: readonly MemberProtocol[], by: 1 | -1): void {
    for (const p of protocols) {
      const n = (this.#supportedProtocols.get(p.name) ?? 0) + by;
      if (n === 0) this.#supportedProtocols.delete(p.name);
      else this.#supportedProtocols.set(p.name, n);
    }
  }
}

/** Same protocols, same metadata, same order. */
export function sameProtocols(a: readonly MemberProtocol[], b: readonly MemberProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}
