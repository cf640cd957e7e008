// GroupMembership: one member of a consumer group, seen from the client. join() returns the
// first assignment; after that one Heartbeat is always in flight (the broker holds it until the
// assignment changes or a few seconds pass), so a new assignment arrives as soon as the broker
// decides it. reportOwned() tells the broker at once what this member owns after it took on or
// gave up partitions; commit() stores offsets under the member's current epoch.
import { hostname } from 'node:os';
import { ApiKey } from '../protocol/api-keys.js';
import type { HeartbeatResponse } from '../protocol/messages/heartbeat.js';
import type { JoinGroupResponse } from '../protocol/messages/join-group.js';
import type { PartitionOffset } from '../protocol/messages/offset-commit.js';
import type { TopicPartition } from '../protocol/messages/topic-partitions.js';
import type { Connection } from './connection.js';
import type { GroupMember } from './target/target.js';

export interface MembershipOptions {
  group: string;
  topics: string[];
  clientId: string;
  sessionTimeoutMs: number;
}

export interface Assignment {
  memberEpoch: number;
  /** What the member may read now. */
  partitions: TopicPartition[];
  /** What it will own once other members have released their part of it. */
  target: TopicPartition[];
}

export class GroupMembership implements GroupMember {
  readonly #connection: Connection;
  readonly #options: MembershipOptions;
  #memberId = '';
  #memberEpoch = 0;
  #heartbeatMs = 3000;
  #owned: TopicPartition[] = [];
  #stopped = false;
  #inFlight = 0;
  #onAssignment: (assignment: Assignment) => void = () => {};
  /** The last assignment handed to onAssignment, until reportOwned() says it is in place. */
  #delivered: string | null = null;
  #answerWaiters: Array<() => void> = [];
  #onError: (err: Error) => void = () => {};

  constructor(connection: Connection, options: MembershipOptions) {
    this.#connection = connection;
    this.#options = options;
  }

  get memberId(): string {
    return this.#memberId;
  }

  get memberEpoch(): number {
    return this.#memberEpoch;
  }

  async join(): Promise<Assignment> {
    const response = await this.#connection.requestJson<JoinGroupResponse>(ApiKey.JoinGroup, {
      group: this.#options.group,
      topics: this.#options.topics,
      clientId: this.#options.clientId,
      pid: process.pid,
      host: hostname(),
      sessionTimeoutMs: this.#options.sessionTimeoutMs,
    });
    this.#memberId = response.memberId;
    this.#memberEpoch = response.memberEpoch;
    this.#heartbeatMs = response.heartbeatMs;
    return { memberEpoch: response.memberEpoch, partitions: response.assignment, target: response.target };
  }

  /** Keep a heartbeat in flight until stop(); assignments and fatal errors go to the callbacks. */
  start(onAssignment: (assignment: Assignment) => void, onError: (err: Error) => void): void {
    this.#onAssignment = onAssignment;
    this.#onError = onError;
    this.#beat();
  }

  /** Tell the broker now what this member owns (it may be waiting to hand a partition on). */
  reportOwned(owned: TopicPartition[]): void {
    this.#owned = owned;
    this.#delivered = null;
    this.#beat();
  }

  /** Resolves when a heartbeat answer has come back (and with it the current member epoch). */
  nextAnswer(): Promise<void> {
    return new Promise((resolve) => this.#answerWaiters.push(resolve));
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.#connection.requestJson(ApiKey.OffsetCommit, {
      group: this.#options.group,
      memberId: this.#memberId,
      memberEpoch: this.#memberEpoch,
      offsets,
    });
  }

  async leave(): Promise<void> {
    this.#stopped = true;
    await this.#connection.requestJson(ApiKey.LeaveGroup, { group: this.#options.group, memberId: this.#memberId });
  }

  stop(): void {
    this.#stopped = true;
  }

  #beat(): void {
    if (this.#stopped) return;
    this.#inFlight++;
    const sent = this.#connection.requestJson<HeartbeatResponse>(ApiKey.Heartbeat, {
      group: this.#options.group,
      memberId: this.#memberId,
      memberEpoch: this.#memberEpoch,
      owned: this.#owned,
      waitMs: this.#heartbeatMs,
    });
    sent.then(
      (response) => {
        this.#inFlight--;
        if (this.#stopped) return;
        const changed = response.memberEpoch !== this.#memberEpoch || !samePartitions(response.assignment, this.#owned);
        this.#memberEpoch = response.memberEpoch;
        for (const resolve of this.#answerWaiters.splice(0)) resolve();
        const key = `${response.memberEpoch}|${partitionKeys(response.assignment)}`;
        if (changed && key !== this.#delivered) {
          this.#delivered = key;
          this.#onAssignment({ memberEpoch: response.memberEpoch, partitions: response.assignment, target: response.target });
        }
        // One heartbeat in flight is enough (a reportOwned() may have sent another meanwhile).
        // While the caller is still taking an assignment on, the broker answers at once, so wait
        // a little instead of spinning.
        if (this.#inFlight > 0) return;
        if (this.#delivered !== null) setTimeout(() => this.#inFlight === 0 && this.#beat(), 50);
        else this.#beat();
      },
      (err: Error) => {
        this.#inFlight--;
        if (!this.#stopped) this.#onError(err);
      },
    );
  }
}

function partitionKeys(partitions: readonly TopicPartition[]): string {
  return partitions.map((tp) => `${tp.topic}\u0000${tp.partition}`).sort().join('|');
}

export function samePartitions(a: readonly TopicPartition[], b: readonly TopicPartition[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map((tp) => `${tp.topic}\u0000${tp.partition}`));
  return b.every((tp) => keys.has(`${tp.topic}\u0000${tp.partition}`));
}
