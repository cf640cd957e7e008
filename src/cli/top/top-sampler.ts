// What `spool top` shows: per topic the records and bytes per second in (appended) and out
// (served to fetches), size and end offsets; per group its state, members and lag; and the
// broker. Rates come from two readings of the broker's traffic counters (DescribeTopics counts
// since the broker started): the sampler keeps the previous reading and divides the difference
// by the time between them. The first reading has no rates (null). A Kafka cluster counts no
// traffic for its clients: its target reports the sum of the log end offsets as records in, so
// the rate in is the end offsets' growth, and out is 0 (documented in spool-top(1)).
import type { TargetAdmin, TargetStatus } from '../../client/target/target.js';
import type { TopicDescription, TopicTrafficDescription } from '../../protocol/messages/describe-topics.js';
import type { TopicRates, TopSnapshot, TopTopic } from '../../term/top-snapshot.js';

export class TopSampler {
  /** Where the admin comes from (a target's changes when the broker comes back). */
  readonly #source: { readonly admin: TargetAdmin };
  readonly #now: () => number;
  #previous: { atMs: number; traffic: Map<string, TopicTrafficDescription> } | null = null;

  constructor(source: { readonly admin: TargetAdmin }, now: () => number = () => performance.now()) {
    this.#source = source;
    this.#now = now;
  }

  async sample(): Promise<TopSnapshot> {
    const admin = this.#source.admin;
    const [status, descriptions, groups] = await Promise.all([admin.status(), admin.describeTopics(), admin.listGroups()]);
    const atMs = this.#now();
    const previous = this.#previous;
    const intervalMs = previous === null ? null : atMs - previous.atMs;
    this.#previous = { atMs, traffic: new Map(descriptions.map((d) => [d.name, d.traffic])) };
    return {
      timestampMs: Date.now(),
      intervalMs,
      ...brokerPart(status, descriptions.length),
      topics: descriptions.map((d) => topTopic(d, intervalMs === null ? null : (previous?.traffic.get(d.name) ?? ZERO_TRAFFIC), intervalMs)).sort(byName),
      groups: [...groups].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)),
    };
  }
}

function brokerPart(target: TargetStatus, topics: number): Pick<TopSnapshot, 'broker' | 'cluster'> {
  if (target.kind === 'cluster') {
    const { clusterId, controller, brokers } = target.cluster;
    return { broker: null, cluster: { clusterId, controller, brokers: brokers.length, topics } };
  }
  const status = target.broker;
  return {
    broker: {
      pid: status.pid,
      uptimeMs: status.uptimeMs,
      version: status.version,
      topics: status.topics,
      bytes: status.bytes,
      socketConnections: status.socketConnections,
      socketRequests: status.socketRequests,
      kafkaConnections: status.kafka === null ? null : status.kafkaConnections,
      kafkaRequests: status.kafka === null ? null : status.kafkaRequests,
    },
  };
}

const ZERO_TRAFFIC: TopicTrafficDescription = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };

function topTopic(d: TopicDescription, before: TopicTrafficDescription | null, intervalMs: number | null): TopTopic {
  const partitions = [...d.partitions].sort((a, b) => a.partition - b.partition);
  return {
    name: d.name,
    partitions: partitions.length,
    messages: partitions.reduce((n, p) => n + (p.logEndOffset - p.logStartOffset), 0),
    bytes: partitions.reduce((n, p) => n + p.bytes, 0),
    endOffsets: partitions.map((p) => p.logEndOffset),
    rates: before === null || intervalMs === null || intervalMs <= 0 ? null : rates(before, d.traffic, intervalMs),
    traffic: { ...d.traffic },
  };
}

function rates(before: TopicTrafficDescription, after: TopicTrafficDescription, intervalMs: number): TopicRates {
  // Counters restart with the broker: a drop means a restart, and the new count is the delta.
  const per = (a: number, b: number) => ((b >= a ? b - a : b) * 1000) / intervalMs;
  return {
    messagesInPerSec: per(before.messagesIn, after.messagesIn),
    messagesOutPerSec: per(before.messagesOut, after.messagesOut),
    bytesInPerSec: per(before.bytesIn, after.bytesIn),
    bytesOutPerSec: per(before.bytesOut, after.bytesOut),
  };
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
