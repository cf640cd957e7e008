// GroupCoordinator: consumer groups run by the broker (SPEC §5, server-side assignment as in
// Kafka's newer consumer protocol). Members join with a subscription, long-poll heartbeats
// that carry what they own, and receive their assignment in the answers. A partition moves in
// two steps: the old owner's assignment drops it, the old owner stops reading it, commits and
// reports it released; only then does the new owner's assignment include it. So a clean
// rebalance never has two members reading one partition, and nothing committed repeats.
//
// Every join, leave, session timeout or new partition starts a new generation. Single-threaded:
// all methods run on the broker's event loop. Group names are shared with Kafka's classic groups
// through the GroupDirectory: this coordinator is its 'spool' driver.
import { ErrorCode } from '../common/error-codes.js';
import { SpoolError } from '../common/errors.js';
import { matchesAny } from '../common/glob.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../protocol/messages/join-group.js';
import type { HeartbeatRequest, HeartbeatResponse } from '../protocol/messages/heartbeat.js';
import type { PartitionOffset } from '../protocol/messages/offset-commit.js';
import type { GroupStore } from '../storage/group-store.js';
import { assignPartitions, compareTp, tpKey, type TopicPartition } from './group-assignor.js';
import type { GroupDirectory, GroupDriver, GroupOverview } from './group-directory.js';
import { deriveState, stateName, type GroupState } from './group-state.js';

export interface CoordinatorTopics {
  /** Every topic with its partition count. */
  topics(): ReadonlyArray<{ name: string; partitions: number }>;
}

export interface Member {
  readonly memberId: string;
  readonly clientId: string;
  readonly pid: number;
  readonly host: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  memberEpoch: number;
  target: TopicPartition[];
  owned: TopicPartition[];
  expiry: NodeJS.Timeout | null;
  parked: { respond: () => void; timer: NodeJS.Timeout } | null;
  /** What the member was last told it may own, to know when to answer it again. */
  toldKey: string;
  /**
   * The partitions of that answer. Until the member reports back, they count as held by it:
   * two members told the same partition in quick succession would both read it.
   */
  granted: TopicPartition[];
}

export interface Group {
  readonly name: string;
  generation: number;
  readonly createdMs: number;
  readonly members: Map<string, Member>;
  state: GroupState;
}

export const MAX_HEARTBEAT_WAIT_MS = 3000;

export class GroupCoordinator implements GroupDriver {
  readonly protocol = 'spool';
  readonly #directory: GroupDirectory;
  readonly #store: GroupStore;
  readonly #topics: CoordinatorTopics;
  readonly #now: () => number;
  readonly #groups = new Map<string, Group>();
  /** Told of every generation change (tests and logs). */
  onRebalance: (group: Group, reason: string) => void = () => {};

  constructor(directory: GroupDirectory, topics: CoordinatorTopics, now: () => number = Date.now) {
    this.#directory = directory;
    this.#store = directory.store;
    this.#topics = topics;
    this.#now = now;
    for (const row of directory.rows()) {
      if (row.protocol !== 'spool') continue;
      this.#groups.set(row.name, { name: row.name, generation: row.generation, createdMs: row.createdMs, members: new Map(), state: { kind: 'empty' } });
    }
    directory.register(this);
  }

  overview(name: string): GroupOverview | undefined {
    const group = this.#groups.get(name);
    if (group === undefined) return undefined;
    const members = [...group.members.values()];
    return {
      name,
      protocol: 'spool',
      state: stateName(group.state),
      generation: group.generation,
      members: members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        pid: m.pid,
        host: m.host,
        assignment: m.owned,
        listedPartitions: m.owned.length > 0 ? m.owned : m.target,
      })),
      subscribed: this.#subscribedPartitions(members),
    };
  }

  memberCount(name: string): number {
    return this.#groups.get(name)?.members.size ?? 0;
  }

  forget(name: string): void {
    const group = this.#groups.get(name);
    if (group === undefined) return;
    group.state = { kind: 'dead' };
    this.#groups.delete(name);
  }

  group(name: string): Group | undefined {
    return this.#groups.get(name);
  }

  requireGroup(name: string): Group {
    const group = this.#groups.get(name);
    if (group === undefined) throw new SpoolError(`group "${name}" does not exist`, { code: ErrorCode.GroupIdNotFound });
    return group;
  }

  /** Add a member and rebalance; `onClose` is how the caller reports the connection closing. */
  join(request: JoinGroupRequest, onClose: (callback: () => void) => void): JoinGroupResponse {
    if (request.group === '') throw new SpoolError('the group name is empty', { code: ErrorCode.InvalidRequest });
    if (request.topics.length === 0) throw new SpoolError('a member must subscribe to at least one topic', { code: ErrorCode.InvalidRequest });
    const group = this.#groupForJoin(request.group);
    const member: Member = {
      // The global Web Crypto loads node:crypto on first use, not with the broker.
      memberId: `${request.clientId}-${globalThis.crypto.randomUUID().slice(0, 8)}`,
      clientId: request.clientId,
      pid: request.pid,
      host: request.host,
      topics: request.topics,
      sessionTimeoutMs: Math.max(1000, request.sessionTimeoutMs),
      memberEpoch: 0,
      target: [],
      owned: [],
      expiry: null,
      parked: null,
      toldKey: '',
      granted: [],
    };
    group.members.set(member.memberId, member);
    this.#touch(group, member);
    onClose(() => this.#remove(group, member.memberId, 'connection closed'));
    this.#rebalance(group, `${member.memberId} joined`);
    const assignment = this.#grant(group, member);
    return {
      memberId: member.memberId,
      generation: group.generation,
      memberEpoch: member.memberEpoch,
      assignment,
      target: member.target,
      heartbeatMs: heartbeatWaitMs(member),
    };
  }

  /** Answer now if the member's assignment changed, else when it does or after waitMs. */
  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    const group = this.requireGroup(request.group);
    const member = this.#requireMember(group, request.memberId);
    this.#touch(group, member);
    member.owned = [...request.owned].sort(compareTp);
    this.#settle(group);
    const answer = (): HeartbeatResponse => {
      const assignment = this.#grant(group, member);
      return { generation: group.generation, memberEpoch: member.memberEpoch, assignment, target: member.target };
    };
    if (request.memberEpoch !== member.memberEpoch || keyOf(this.#assignable(group, member), member.memberEpoch) !== keyOf(member.owned, request.memberEpoch)) {
      return Promise.resolve(answer());
    }
    this.#unpark(member);
    return new Promise((resolve) => {
      const respond = () => {
        if (member.parked !== null) clearTimeout(member.parked.timer);
        member.parked = null;
        resolve(answer());
      };
      member.parked = { respond, timer: setTimeout(respond, Math.min(Math.max(request.waitMs, 0), heartbeatWaitMs(member))) };
    });
  }

  leave(groupName: string, memberId: string): void {
    const group = this.requireGroup(groupName);
    this.#requireMember(group, memberId);
    this.#remove(group, memberId, 'left');
  }

  commit(groupName: string, memberId: string, memberEpoch: number, offsets: readonly PartitionOffset[]): void {
    const group = this.requireGroup(groupName);
    const member = this.#requireMember(group, memberId);
    if (memberEpoch !== member.memberEpoch) {
      throw new SpoolError(`commit from generation ${memberEpoch} refused: member ${memberId} is at generation ${member.memberEpoch}`, {
        code: ErrorCode.IllegalGeneration,
      });
    }
    const mine = new Set([...member.owned, ...member.target].map(tpKey));
    for (const o of offsets) {
      if (!mine.has(tpKey(o))) {
        throw new SpoolError(`member ${memberId} does not own ${o.topic}/${o.partition}`, { code: ErrorCode.IllegalGeneration });
      }
      if (o.offset < 0) throw new SpoolError(`invalid offset ${o.offset}`, { code: ErrorCode.InvalidRequest });
    }
    this.#store.offsetsSave(group.name, offsets, this.#now());
  }

  committed(groupName: string): Map<string, number> {
    return new Map(this.#store.offsets(groupName).map((o) => [tpKey(o), o.offset]));
  }

  /** Topics or partitions appeared or went: groups whose subscriptions see a change rebalance. */
  topicsChanged(): void {
    for (const group of this.#groups.values()) {
      if (group.members.size === 0) continue;
      const members = [...group.members.values()];
      const next = assignPartitions(members.map(assignorMember), this.#subscribedPartitions(members));
      if (members.some((m) => keyOf(next.get(m.memberId) ?? [], 0) !== keyOf(m.target, 0))) this.#rebalance(group, 'partitions changed');
    }
  }

  /** Committed offsets of a deleted topic are forgotten. */
  topicDeleted(topic: string): void {
    this.#store.offsetsDeleteByTopic(topic);
    this.topicsChanged();
  }

  /** Stop every timer (broker shutdown). */
  close(): void {
    for (const group of this.#groups.values()) {
      for (const member of group.members.values()) {
        if (member.expiry !== null) clearTimeout(member.expiry);
        member.parked?.respond();
      }
    }
  }

  #groupForJoin(name: string): Group {
    let group = this.#groups.get(name);
    if (group === undefined) {
      const row = this.#directory.claim(name, 'spool', null);
      group = { name, generation: row.generation, createdMs: row.createdMs, members: new Map(), state: { kind: 'empty' } };
      this.#groups.set(name, group);
    }
    return group;
  }

  #requireMember(group: Group, memberId: string): Member {
    const member = group.members.get(memberId);
    if (member === undefined) {
      throw new SpoolError(`member ${memberId} is not in group "${group.name}" (it timed out or left); join again`, {
        code: ErrorCode.UnknownMemberId,
      });
    }
    return member;
  }

  #touch(group: Group, member: Member): void {
    if (member.expiry !== null) clearTimeout(member.expiry);
    member.expiry = setTimeout(() => this.#remove(group, member.memberId, `session timeout (${member.sessionTimeoutMs} ms)`), member.sessionTimeoutMs);
  }

  #remove(group: Group, memberId: string, reason: string): void {
    const member = group.members.get(memberId);
    if (member === undefined) return;
    if (member.expiry !== null) clearTimeout(member.expiry);
    group.members.delete(memberId);
    member.parked?.respond();
    this.#rebalance(group, `${memberId} ${reason}`);
  }

  /** New generation: recompute every member's target, then tell whoever's assignment changed. */
  #rebalance(group: Group, reason: string): void {
    group.generation++;
    this.#directory.saveGeneration(group.name, group.generation);
    const members = [...group.members.values()];
    const targets = assignPartitions(members.map(assignorMember), this.#subscribedPartitions(members));
    for (const member of members) {
      const target = targets.get(member.memberId) ?? [];
      if (keyOf(target, 0) !== keyOf(member.target, 0) || member.memberEpoch === 0) {
        member.target = target;
        member.memberEpoch = group.generation;
      }
    }
    this.onRebalance(group, reason);
    this.#settle(group);
  }

  /** Recompute the state and answer parked heartbeats whose assignable set changed. */
  #settle(group: Group): void {
    const members = [...group.members.values()];
    group.state = deriveState(
      group.state,
      members.map((m) => ({ targetKeys: new Set(m.target.map(tpKey)), ownedKeys: new Set(m.owned.map(tpKey)) })),
      this.#now(),
    );
    for (const member of members) {
      if (member.parked !== null && keyOf(this.#assignable(group, member), member.memberEpoch) !== member.toldKey) member.parked.respond();
    }
  }

  #unpark(member: Member): void {
    member.parked?.respond();
  }

  /** The member's target minus partitions another member owns or was told it may own. */
  #assignable(group: Group, member: Member): TopicPartition[] {
    const heldElsewhere = new Set<string>();
    for (const other of group.members.values()) {
      if (other === member) continue;
      for (const tp of other.owned) heldElsewhere.add(tpKey(tp));
      for (const tp of other.granted) heldElsewhere.add(tpKey(tp));
    }
    return member.target.filter((tp) => !heldElsewhere.has(tpKey(tp)));
  }

  /** What to tell the member now; it holds those partitions from here on. */
  #grant(group: Group, member: Member): TopicPartition[] {
    const assignment = this.#assignable(group, member);
    member.granted = assignment;
    member.toldKey = keyOf(assignment, member.memberEpoch);
    return assignment;
  }

  #subscribedPartitions(members: readonly Member[]): TopicPartition[] {
    const partitions: TopicPartition[] = [];
    for (const topic of this.#topics.topics()) {
      if (!members.some((m) => matchesAny(topic.name, m.topics))) continue;
      for (let p = 0; p < topic.partitions; p++) partitions.push({ topic: topic.name, partition: p });
    }
    return partitions;
  }
}

function assignorMember(member: Member) {
  return { memberId: member.memberId, subscribes: (topic: string) => matchesAny(topic, member.topics), owned: member.owned };
}

function heartbeatWaitMs(member: Member): number {
  return Math.min(MAX_HEARTBEAT_WAIT_MS, Math.floor(member.sessionTimeoutMs / 3));
}

function keyOf(partitions: readonly TopicPartition[], epoch: number): string {
  return `${epoch}|${partitions.map(tpKey).sort().join('|')}`;
}
