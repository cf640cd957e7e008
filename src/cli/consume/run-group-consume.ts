// Consuming as a member of a consumer group (SPEC §3 consume -g, §5). The loop reads the
// assigned partitions and writes records to stdout; assignment changes from the broker are
// applied between fetches. Giving a partition up means: stop reading it, let stdout take what
// was written, commit it, and only then report it released. Offsets are committed only for
// records stdout has taken (after a closed pipe: those the pipe took before it closed), every
// --commit-interval-ms, on every revoke and at exit, so a clean stop or rebalance repeats
// nothing and a crash repeats at most the last interval. A lost broker is waited for and the
// group joined again; a partition that comes back to this process goes on after the last
// record it wrote.
import { hostname } from 'node:os';
import type { ConsumerOptions, PartitionPosition } from '../../client/consumer.js';
import type { Assignment } from '../../client/group-membership.js';
import type { GroupMember, RecordFetcher, Target, TargetAdmin } from '../../client/target/target.js';
import { BrokerError } from '../../common/errors.js';
import { ErrorCode } from '../../common/error-codes.js';
import type { TopicPartition } from '../../protocol/messages/topic-partitions.js';
import { isConnectionLost, openTarget } from '../open-target.js';
import type { GroupSettings } from '../commands/consume.js';
import type { GlobalOptions } from '../global-options.js';
import type { OffsetSpec } from '../options/offset-spec.js';
import type { CliIo } from '../../term/io.js';
import { offsetResetNotice } from './offset-reset-notice.js';
import { OffsetTracker } from './offset-tracker.js';
import { RecordWriter } from './record-writer.js';
import { FETCH_MAX_BYTES, PARTITION_MAX_BYTES, type ConsumeSettings } from './run-consume.js';

const RELEASE_COMMIT_ATTEMPTS = 20;

/** Short, so a partition handed over while a fetch is parked is picked up quickly. */
const GROUP_FETCH_MAX_WAIT_MS = 200;

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

export async function runGroupConsume(globals: GlobalOptions, settings: ConsumeSettings, group: GroupSettings, io: CliIo): Promise<void> {
  const target = await openTarget(globals, io);
  const tracker = new OffsetTracker();
  const writer = new RecordWriter(io.stdout, {
    ...settings.writer,
    onWritten: (topic, partition, nextOffset) => tracker.written({ topic, partition }, nextOffset),
  });
  const onOffsetReset = offsetResetNotice(io.stderr);
  const stopping = new AbortController();
  let member: MemberLoop | null = null;
  const stop = () => {
    stopping.abort();
    member?.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (let firstJoin = true; ; firstJoin = false) {
      member = new MemberLoop({ target, writer, tracker, settings, group, firstJoin, onOffsetReset });
      try {
        await member.run();
        return;
      } catch (err) {
        if (isConnectionLost(err)) {
          if (!(await target.reconnect(err, stopping.signal))) return; // Ctrl-C while waiting: a clean stop
        } else if (err instanceof BrokerError && err.code === ErrorCode.UnknownMemberId && !stopping.signal.aborted) {
          // Silent past the session timeout (stopped, suspended): the group went on without this
          // member. Join again, from the committed offsets, as a Kafka consumer does.
          io.stderr.write(`spool: ${err.message}; joining group "${group.group}" again\n`);
        } else {
          throw err;
        }
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await target.close();
  }
}

interface MemberLoopParts {
  target: Target;
  writer: RecordWriter;
  tracker: OffsetTracker;
  settings: ConsumeSettings;
  group: GroupSettings;
  /** The first join of the command: its first assignment starts at --from. */
  firstJoin: boolean;
  onOffsetReset: NonNullable<ConsumerOptions['onOffsetReset']>;
}

/** One membership of the group: from joining to leaving, or to losing the broker. */
class MemberLoop {
  readonly #admin: TargetAdmin;
  readonly #membership: GroupMember;
  readonly #consumer: RecordFetcher;
  readonly #writer: RecordWriter;
  readonly #tracker: OffsetTracker;
  readonly #settings: ConsumeSettings;
  readonly #group: GroupSettings;
  #owned: TopicPartition[] = [];
  #target: TopicPartition[] = [];
  #pending: Assignment | null = null;
  #failure: Error | null = null;
  #stopped = false;
  /** The first assignment of the command starts at --from; later ones at the commits. */
  #firstAssignment: boolean;
  #wake: () => void = () => {};

  constructor({ target, writer, tracker, settings, group, firstJoin, onOffsetReset }: MemberLoopParts) {
    this.#admin = target.admin;
    this.#membership = target.groupMember({
      group: group.group,
      topics: settings.topics,
      clientId: `spool-${hostname()}-${process.pid}`,
      sessionTimeoutMs: group.sessionTimeoutMs,
    });
    this.#consumer = target.fetcher({
      maxWaitMs: GROUP_FETCH_MAX_WAIT_MS,
      maxBytes: FETCH_MAX_BYTES,
      partitionMaxBytes: PARTITION_MAX_BYTES,
      onOffsetReset,
    });
    this.#writer = writer;
    this.#tracker = tracker;
    this.#settings = settings;
    this.#group = group;
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
      await this.#writer.finish();
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
    while (!this.#stopped && this.#failure === null && !this.#writer.done) {
      if (this.#pending !== null) {
        const next = this.#pending;
        this.#pending = null;
        await this.#apply(next);
        continue;
      }
      // Not while a fetch is out: it may have moved the positions to the stop offsets already,
      // and its records are still to be written.
      if (fetch === null && this.#allStopped()) return;
      if (this.#consumer.assignment().length === 0 && fetch === null) {
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
        // The writer reports each record to the tracker once stdout has taken it.
        const progress = await this.#writer.writePartition(data);
        if (progress.stoppedAt !== null) position.stopOffset = Math.min(position.stopOffset ?? Infinity, progress.stoppedAt, position.offset);
        await this.#writer.flush();
        if (this.#writer.done) break;
      }
      // Every flush() above returned once stdout had taken the bytes, so the fetched data (which
      // the value format writes from directly) can be reused.
      await this.#writer.flush();
      this.#consumer.recycle(result);
    }
  }

  /**
   * With -e or --until N: every owned partition reached its stop offset and nothing more is on
   * its way (the target holds no partition another member has still to release).
   */
  #allStopped(): boolean {
    const { exitAtEnd, until } = this.#settings.positions;
    if (!exitAtEnd && until?.kind !== 'absolute') return false;
    const owned = new Set(this.#owned.map(key));
    if (this.#target.some((tp) => !owned.has(key(tp)))) return false;
    return this.#consumer.assignment().every((p) => p.stopOffset !== undefined && p.offset >= p.stopOffset);
  }

  /** Take on `assignment`: give up what is no longer ours (commit first), start on what is new. */
  async #apply(assignment: Assignment): Promise<void> {
    const wanted = new Set(assignment.partitions.map(key));
    const revoked = this.#owned.filter((tp) => !wanted.has(key(tp)));
    const added = assignment.partitions.filter((tp) => !this.#owned.some((o) => key(o) === key(tp)));
    this.#target = assignment.target;
    if (revoked.length > 0) {
      for (const tp of revoked) this.#consumer.unassign(tp.topic, tp.partition);
      await this.#writer.finish();
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
    const from: OffsetSpec = this.#firstAssignment ? this.#settings.positions.from : { kind: 'stored' };
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
        const stop = stopOffset(this.#settings.positions, o.logEndOffset);
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
   * again what this process wrote.
   */
  async #commitAtExit(): Promise<void> {
    try {
      await this.#commitReleased(this.#owned);
    } catch (err) {
      if (!(err instanceof BrokerError && err.code === ErrorCode.UnknownMemberId)) throw err;
    }
  }

  /** Commit what stdout has taken (of `only`, or of everything owned). */
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

/** -e stops at the end offset seen at assignment, --until N before offset N; both: the lower. */
function stopOffset(positions: ConsumeSettings['positions'], logEndOffset: number): number | undefined {
  const atEnd = positions.exitAtEnd ? logEndOffset : undefined;
  const until = positions.until?.kind === 'absolute' ? positions.until.offset : undefined;
  if (atEnd === undefined) return until;
  return until === undefined ? atEnd : Math.min(atEnd, until);
}

/** Where a newly assigned partition starts: --from (first assignment only), else the commit. */
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
