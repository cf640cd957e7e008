// Reading as a member of a consumer group (SPEC §3 consume -g, §5), for the CLI and the library
// alike. The loop reads the assigned partitions and hands records to a sink (stdout, or the
// loop of a program); assignment changes from the broker are applied between fetches. Giving a
// partition up means: stop reading it, let the sink's reader take what was handed over, commit
// it, and only then report it released. Offsets are committed only for records the reader has
// taken (the tracker hears of them from the sink), every commit interval, on every revoke and at
// the end, so a clean stop or rebalance repeats nothing and a crash repeats at most the last
// interval. A lost broker is waited for and the group joined again; a partition that comes back
// to this process goes on after the last record its reader took.
import type { ConsumerOptions, PartitionPosition } from '../consumer.js';
import type { Assignment } from '../group-membership.js';
import type { GroupMember, RecordFetcher, Target, TargetAdmin } from '../target/target.js';
import { BrokerError, BrokerUnavailableError } from '../../common/errors.js';
import { ErrorCode } from '../../common/error-codes.js';
import type { OffsetSpec } from '../../common/offset-spec.js';
import type { TopicPartition } from '../../protocol/messages/topic-partitions.js';
import type { OffsetTracker } from './offset-tracker.js';
import { FETCH_MAX_BYTES, PARTITION_MAX_BYTES } from './read-partitions.js';
import type { RecordSink } from './record-sink.js';
import type { PositionOptions } from './start-positions.js';
import { unclaimedWork } from './unclaimed-work.js';

export interface GroupSettings {
  group: string;
  /** Where a partition without a committed offset starts. */
  reset: 'earliest' | 'latest';
  commitIntervalMs: number;
  sessionTimeoutMs: number;
}

export interface GroupReadOptions {
  /** Names or glob patterns: the broker assigns the partitions of every topic that matches. */
  topics: string[];
  positions: PositionOptions;
  group: GroupSettings;
  clientId: string;
  onOffsetReset: NonNullable<ConsumerOptions['onOffsetReset']>;
  /** Told when the group went on without this member and it joins again. */
  onRejoin?: (message: string) => void;
  /** A fetch's byte limits (defaults: read-partitions.ts's). */
  maxBytes?: number;
  partitionMaxBytes?: number;
}

const RELEASE_COMMIT_ATTEMPTS = 20;

/** How often a member done with its part looks again for records nobody has claimed. */
const UNCLAIMED_RECHECK_MS = 100;

/** Short, so a partition handed over while a fetch is parked is picked up quickly. */
const GROUP_FETCH_MAX_WAIT_MS = 200;

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
const atStop = (p: PartitionPosition) => p.stopOffset !== undefined && p.offset >= p.stopOffset;

/**
 * Read as a member of the group until every owned partition reached its stop, the sink is done
 * or `signal` aborts (then: commit what the reader took, leave the group). `tracker` hears from
 * the sink what its reader took.
 */
export async function readAsGroup(target: Target, options: GroupReadOptions, sink: RecordSink, tracker: OffsetTracker, signal: AbortSignal): Promise<void> {
  let member: MemberLoop | null = null;
  const stop = () => member?.stop();
  signal.addEventListener('abort', stop);
  try {
    for (let firstJoin = true; ; firstJoin = false) {
      if (signal.aborted) return;
      member = new MemberLoop({ target, sink, tracker, options, firstJoin });
      try {
        await member.run();
        return;
      } catch (err) {
        if (err instanceof BrokerUnavailableError) {
          if (!(await target.reconnect(err, signal))) return; // stopped while waiting: a clean stop
        } else if (err instanceof BrokerError && err.code === ErrorCode.UnknownMemberId && !signal.aborted) {
          // Silent past the session timeout (stopped, suspended): the group went on without this
          // member. Join again, from the committed offsets, as a Kafka consumer does.
          options.onRejoin?.(`${err.message}; joining group "${options.group.group}" again`);
        } else {
          throw err;
        }
      }
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

interface MemberLoopParts {
  target: Target;
  sink: RecordSink;
  tracker: OffsetTracker;
  options: GroupReadOptions;
  /** The first join of the read: its first assignment starts at `positions.from`. */
  firstJoin: boolean;
}

/** One membership of the group: from joining to leaving, or to losing the broker. */
class MemberLoop {
  readonly #admin: TargetAdmin;
  readonly #membership: GroupMember;
  readonly #consumer: RecordFetcher;
  readonly #sink: RecordSink;
  readonly #tracker: OffsetTracker;
  readonly #options: GroupReadOptions;
  readonly #group: GroupSettings;
  #owned: TopicPartition[] = [];
  #target: TopicPartition[] = [];
  #pending: Assignment | null = null;
  #failure: Error | null = null;
  #stopped = false;
  /** When this member, done with its part, first saw records nobody owned (null: it has not). */
  #unclaimedSince: number | null = null;
  /** The first assignment of the read starts at `positions.from`; later ones at the commits. */
  #firstAssignment: boolean;
  #wake: () => void = () => {};

  constructor({ target, sink, tracker, options, firstJoin }: MemberLoopParts) {
    this.#admin = target.admin;
    this.#membership = target.groupMember({
      group: options.group.group,
      topics: options.topics,
      clientId: options.clientId,
      sessionTimeoutMs: options.group.sessionTimeoutMs,
    });
    this.#consumer = target.fetcher({
      maxWaitMs: GROUP_FETCH_MAX_WAIT_MS,
      maxBytes: options.maxBytes ?? FETCH_MAX_BYTES,
      partitionMaxBytes: options.partitionMaxBytes ?? PARTITION_MAX_BYTES,
      onOffsetReset: options.onOffsetReset,
    });
    this.#sink = sink;
    this.#tracker = tracker;
    this.#options = options;
    this.#group = options.group;
    this.#firstAssignment = firstJoin;
  }

  stop(): void {
    this.#stopped = true;
    this.#wake();
  }

  async run(): Promise<void> {
    const first = await this.#membership.join();
    // Joining again (after a lost broker): what this process wrote of partitions it has now
    // got back is committed from here; the others have new owners.
    this.#tracker.keepOnly(first.partitions);
    await this.#apply(first);
    this.#membership.start(
      (assignment) => {
        this.#pending = assignment;
        this.#wake();
      },
      (err) => {
        this.#failure = err;
        this.#wake();
      },
    );
    const commitTimer = setInterval(() => {
      this.#commit().catch((err: unknown) => {
        this.#failure ??= err instanceof Error ? err : new Error(String(err));
        this.#wake();
      });
    }, this.#group.commitIntervalMs);
    try {
      await this.#loop();
      await this.#sink.finish();
      await this.#commitAtExit();
      await this.#membership.leave().catch(() => {});
    } finally {
      clearInterval(commitTimer);
      this.#membership.stop();
    }
    if (this.#failure !== null) throw this.#failure;
  }

  async #loop(): Promise<void> {
    let fetch: Promise<Awaited<ReturnType<RecordFetcher['poll']>>> | null = null;
    while (!this.#stopped && this.#failure === null && !this.#sink.done) {
      if (this.#pending !== null) {
        const next = this.#pending;
        this.#pending = null;
        await this.#apply(next);
        continue;
      }
      // Not while a fetch is out: it may have moved the positions to the stop offsets already,
      // and its records are still to be handed over.
      if (fetch === null && this.#allStopped()) {
        if (!(await this.#othersUnclaimed())) return;
        // A partition given up by a member that has just left is on its way to this one.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, UNCLAIMED_RECHECK_MS);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        continue;
      }
      // Nothing to fetch (no partition, or every one at its stop while a partition of the target
      // is still another member's): wait for the next assignment. Polling here would answer at
      // once, every time, and the loop would spin on microtasks, starving the heartbeat.
      if (fetch === null && this.#consumer.assignment().every(atStop)) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      fetch ??= this.#consumer.poll();
      const woken = new Promise<'woken'>((resolve) => (this.#wake = () => resolve('woken')));
      const result = await Promise.race([fetch, woken]);
      if (result === 'woken') continue;
      fetch = null;
      for (const data of result) {
        // A fetch that arrived before a revoke was applied may still hold the revoked partition's
        // records: they belong to its next owner now.
        const position = this.#consumer.position(data.topic, data.partition);
        if (position === undefined) continue;
        // The sink reports each record to the tracker once its reader has taken it.
        const progress = await this.#sink.writePartition(data);
        if (progress.stoppedAt !== null) position.stopOffset = Math.min(position.stopOffset ?? Infinity, progress.stoppedAt, position.offset);
        await this.#sink.flush();
        if (this.#sink.done) break;
      }
      // Every flush() above returned once the reader had taken the records, so a sink that keeps
      // no views into the fetched data lets its memory be reused.
      await this.#sink.flush();
      if (this.#sink.releasesFetched) this.#consumer.recycle(result);
    }
  }

  /**
   * With exitAtEnd (-e) or until N: every owned partition reached its stop offset and nothing more is on
   * its way (the target holds no partition another member has still to release).
   */
  #allStopped(): boolean {
    const { exitAtEnd, until } = this.#options.positions;
    if (!exitAtEnd && until?.kind !== 'absolute') return false;
    const owned = new Set(this.#owned.map(key));
    if (this.#target.some((tp) => !owned.has(key(tp)))) return false;
    return this.#consumer.assignment().every(atStop);
  }

  /**
   * Records before their stops that no member owns (unclaimed-work.ts). Waited for at most a
   * session timeout from the first time they are seen: by then the group has rebalanced, and if
   * still nobody holds them something else is wrong, which waiting would only hide.
   */
  async #othersUnclaimed(): Promise<boolean> {
    const now = Date.now();
    this.#unclaimedSince ??= now;
    if (now - this.#unclaimedSince > this.#group.sessionTimeoutMs) return false;
    try {
      const found = await unclaimedWork(this.#admin, {
        group: this.#group.group,
        topics: this.#options.topics,
        memberId: this.#membership.memberId,
        owned: this.#owned,
        reset: this.#group.reset,
        stopAt: (logEndOffset) => stopOffset(this.#options.positions, logEndOffset) ?? logEndOffset,
      });
      if (!found) this.#unclaimedSince = null;
      return found;
    } catch {
      // The question is a courtesy to the group: a broker that cannot answer it does not keep
      // this member from stopping.
      return false;
    }
  }

  /** Take on `assignment`: give up what is no longer ours (commit first), start on what is new. */
  async #apply(assignment: Assignment): Promise<void> {
    const wanted = new Set(assignment.partitions.map(key));
    const revoked = this.#owned.filter((tp) => !wanted.has(key(tp)));
    const added = assignment.partitions.filter((tp) => !this.#owned.some((o) => key(o) === key(tp)));
    this.#target = assignment.target;
    if (revoked.length > 0) {
      for (const tp of revoked) this.#consumer.unassign(tp.topic, tp.partition);
      await this.#sink.finish();
      await this.#commitReleased(revoked);
      for (const tp of revoked) this.#tracker.forget(tp);
    }
    const positions = await this.#startPositions(added);
    for (const position of positions) this.#consumer.assign(position);
    this.#owned = assignment.partitions;
    this.#membership.reportOwned(this.#owned);
  }

  async #startPositions(partitions: TopicPartition[]): Promise<PartitionPosition[]> {
    if (partitions.length === 0) return [];
    const from: OffsetSpec = this.#firstAssignment ? this.#options.positions.from : { kind: 'stored' };
    this.#firstAssignment = false;
    const committed = new Map((await this.#admin.committedOffsets(this.#group.group, partitions)).map((o) => [key(o), o.offset]));
    const positions: PartitionPosition[] = [];
    for (const topic of new Set(partitions.map((tp) => tp.topic))) {
      const mine = partitions.filter((tp) => tp.topic === topic).map((tp) => tp.partition);
      const timestamp = from.kind === 'timestamp' ? from.timestampMs : undefined;
      const offsets = await this.#admin.listOffsets({ topic, partitions: mine, ...(timestamp === undefined ? {} : { timestamp }) });
      for (const o of offsets) {
        const tp = { topic, partition: o.partition };
        // Records this process wrote before it lost the broker, and could not commit, are not
        // written twice when the partition comes back to it.
        const stored = maxOffset(committed.get(key(tp)) ?? null, this.#tracker.writtenOffset(tp));
        const offset = startOffset(from, stored, o, this.#group.reset);
        const stop = stopOffset(this.#options.positions, o.logEndOffset);
        positions.push({ topic, partition: o.partition, offset, ...(stop === undefined ? {} : { stopOffset: stop }) });
      }
    }
    return positions;
  }

  /**
   * Commit the partitions being given up before releasing them, so their next owner starts
   * exactly after the last record written here. A commit under an epoch the broker has just
   * moved past (another member joined meanwhile) is retried under the new one.
   */
  async #commitReleased(partitions: TopicPartition[]): Promise<void> {
    for (let attempt = 0; attempt < RELEASE_COMMIT_ATTEMPTS; attempt++) {
      const offsets = this.#tracker.uncommitted(partitions);
      if (offsets.length === 0) return;
      try {
        await this.#membership.commit(offsets);
        this.#tracker.committed(offsets);
        return;
      } catch (err) {
        if (!(err instanceof BrokerError && err.code === ErrorCode.IllegalGeneration)) throw err;
        await Promise.race([this.#membership.nextAnswer(), new Promise((resolve) => setTimeout(resolve, 200))]);
      }
    }
  }

  /**
   * The last commit, before leaving. Refused under an epoch another member's join has just moved
   * past, it is retried under the new one, as for a release: dropped, the next owner would read
   * again what this process handed over.
   */
  async #commitAtExit(): Promise<void> {
    try {
      await this.#commitReleased(this.#owned);
    } catch (err) {
      if (!(err instanceof BrokerError && err.code === ErrorCode.UnknownMemberId)) throw err;
    }
  }

  /** Commit what the reader has taken (of `only`, or of everything owned). */
  async #commit(only?: TopicPartition[]): Promise<void> {
    const offsets = this.#tracker.uncommitted(only);
    if (offsets.length === 0) return;
    try {
      await this.#membership.commit(offsets);
      this.#tracker.committed(offsets);
    } catch (err) {
      // A commit under an epoch the broker has moved past is refused; the next heartbeat brings
      // the new epoch and the next commit carries these offsets again.
      if (err instanceof BrokerError && (err.code === ErrorCode.IllegalGeneration || err.code === ErrorCode.UnknownMemberId)) return;
      throw err;
    }
  }
}

function maxOffset(committed: number | null, written: number | undefined): number | null {
  if (written === undefined) return committed;
  return committed === null ? written : Math.max(committed, written);
}

/** exitAtEnd stops at the end offset seen at assignment, until N before offset N; both: the lower. */
function stopOffset(positions: PositionOptions, logEndOffset: number): number | undefined {
  const atEnd = positions.exitAtEnd ? logEndOffset : undefined;
  const until = positions.until?.kind === 'absolute' ? positions.until.offset : undefined;
  if (atEnd === undefined) return until;
  return until === undefined ? atEnd : Math.min(atEnd, until);
}

/** Where a newly assigned partition starts: `from` (first assignment only), else the commit. */
function startOffset(
  from: OffsetSpec,
  stored: number | null,
  offsets: { logStartOffset: number; logEndOffset: number; offset?: number },
  reset: 'earliest' | 'latest',
): number {
  switch (from.kind) {
    // A commit or an offset below the log start is left as it is: the first fetch finds it gone,
    // and the consumer moves up to the log start and says so.
    case 'stored':
      if (stored !== null) return Math.min(stored, offsets.logEndOffset);
      return reset === 'latest' ? offsets.logEndOffset : offsets.logStartOffset;
    case 'beginning':
      return offsets.logStartOffset;
    case 'end':
      return offsets.logEndOffset;
    case 'absolute':
      return Math.min(from.offset, offsets.logEndOffset);
    case 'fromEnd':
      return Math.max(offsets.logStartOffset, offsets.logEndOffset - from.count);
    case 'timestamp':
      return offsets.offset ?? offsets.logEndOffset;
  }
}
