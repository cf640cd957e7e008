// KafkaGroupMember: GroupMember through Kafka's classic group protocol, with the client
// library's Consumer doing JoinGroup, SyncGroup (client-side assignment), heartbeats and
// rejoining. A rebalance there is eager: the new assignment arrives whole after a rejoin, and
// the caller gives up what is no longer in it and commits it (under the new generation, which
// the coordinator accepts from any member). Commits carry the member's current generation;
// one the coordinator refuses as stale comes back as IllegalGeneration or UnknownMemberId, as
// from the local broker. Topic patterns are resolved against the cluster when joining.
import type { Consumer, GroupAssignment } from '@platformatic/kafka';
import { ErrorCode } from '../../../common/error-codes.js';
import { BrokerError } from '../../../common/errors.js';
import { isGlob, matchesAny } from '../../../common/glob.js';
import type { PartitionOffset } from '../../../protocol/messages/offset-commit.js';
import type { TopicPartition } from '../../../protocol/messages/topic-partitions.js';
import type { Assignment, MembershipOptions } from '../../group-membership.js';
import type { GroupMember } from '../target.js';
import { fromKafkaError } from './kafka-errors.js';
import type { KafkaCluster } from './kafka-cluster.js';

export class KafkaGroupMember implements GroupMember {
  readonly #cluster: KafkaCluster;
  readonly #options: MembershipOptions;
  readonly #consumer: Consumer;
  #answerWaiters: Array<() => void> = [];
  #stopped = false;

  constructor(cluster: KafkaCluster, options: MembershipOptions) {
    this.#cluster = cluster;
    this.#options = options;
    this.#consumer = cluster.groupConsumer(options.group, options.sessionTimeoutMs, options.clientId);
  }

  get memberId(): string {
    return this.#consumer.memberId ?? '';
  }

  get memberEpoch(): number {
    return this.#consumer.generationId;
  }

  async join(): Promise<Assignment> {
    try {
      const topics = await this.#subscription();
      this.#consumer.topics.trackAll(...topics);
      await this.#consumer.joinGroup({ sessionTimeout: this.#options.sessionTimeoutMs });
      return this.#assignment(this.#consumer.assignments ?? []);
    } catch (err) {
      throw fromKafkaError(err, this.#cluster.bootstrap);
    }
  }

  start(onAssignment: (assignment: Assignment) => void, onError: (err: Error) => void): void {
    this.#consumer.on('consumer:group:join', (payload) => {
      this.#answered();
      if (!this.#stopped) onAssignment(this.#assignment(payload.assignments ?? []));
    });
    this.#consumer.on('consumer:heartbeat:end', () => this.#answered());
    this.#consumer.on('error', (err: Error) => {
      if (!this.#stopped) onError(fromKafkaError(err, this.#cluster.bootstrap));
    });
  }

  reportOwned(): void {
    // Eager rebalancing: the coordinator learns nothing from what a member owns.
  }

  nextAnswer(): Promise<void> {
    return new Promise((resolve) => this.#answerWaiters.push(resolve));
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    try {
      await this.#consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) });
    } catch (err) {
      const error = fromKafkaError(err, this.#cluster.bootstrap);
      if (error instanceof BrokerError && (error.code === ErrorCode.RebalanceInProgress || error.code === ErrorCode.IllegalGeneration)) {
        // Committed again once the rejoin brings the next generation.
        throw new BrokerError(ErrorCode.IllegalGeneration, error.message);
      }
      throw error;
    }
  }

  async leave(): Promise<void> {
    this.#stopped = true;
    try {
      await this.#consumer.leaveGroup(true);
    } finally {
      this.#cluster.releaseGroupConsumer(this.#consumer);
      await this.#consumer.close().catch(() => undefined);
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  #answered(): void {
    for (const resolve of this.#answerWaiters.splice(0)) resolve();
  }

  /** Plain names as given; patterns as the topics of the cluster that match them now. */
  async #subscription(): Promise<string[]> {
    const names = this.#options.topics.filter((t) => !isGlob(t));
    const patterns = this.#options.topics.filter(isGlob);
    if (patterns.length === 0) return names;
    const all = await this.#cluster.admin.listTopics();
    return [...new Set([...names, ...all.filter((t) => !t.startsWith('__') && matchesAny(t, patterns))])];
  }

  #assignment(assignments: readonly GroupAssignment[]): Assignment {
    const partitions: TopicPartition[] = [];
    for (const a of assignments) for (const partition of a.partitions) partitions.push({ topic: a.topic, partition });
    return { memberEpoch: this.#consumer.generationId, partitions, target: partitions };
  }
}
