// The metrics read from the broker's state when Prometheus scrapes: per topic and partition the
// traffic counters, log start and end offsets, size and segments; per group and partition the
// committed offset and lag; connections per listener. Each scrape rebuilds these series from
// what exists then (in memory, and one SQLite query for the commits), so a deleted topic's or
// group's series go with it and nothing is updated on the append path.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GroupStore } from '../../storage/group-store.js';
import type { LogManager } from '../../storage/log-manager.js';
import type { ListenerName } from '../metrics-hooks.js';
import type { TopicStats, TopicTraffic } from '../topic-stats.js';

/** What the broker's state metrics read. */
export interface LogMetricSources {
  readonly logs: LogManager;
  readonly stats: TopicStats;
  readonly groups: GroupStore;
  /** Connections open now and accepted since start, per listener that is on. */
  connections(): Array<{ listener: ListenerName; open: number; accepted: number }>;
}

type PartitionLabel = 'topic' | 'partition';
type Labels = Record<PartitionLabel, string>;

interface PartitionReading {
  labels: Labels;
  traffic: TopicTraffic;
  logStartOffset: number;
  logEndOffset: number;
  sizeBytes: number;
  segments: number;
}

export function registerLogMetrics(registry: Registry, sources: LogMetricSources): void {
  const registers = [registry];
  const labelNames: PartitionLabel[] = ['topic', 'partition'];
  const counter = (name: string, help: string, value: (r: PartitionReading) => number) =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const r of readPartitions(sources)) this.inc(r.labels, value(r));
      },
    });
  const gauge = (name: string, help: string, value: (r: PartitionReading) => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const r of readPartitions(sources)) this.set(r.labels, value(r));
      },
    });
  counter('spool_records_in_total', 'Records appended since the broker started.', (r) => r.traffic.messagesIn);
  counter('spool_bytes_in_total', 'Bytes of record batches appended since the broker started.', (r) => r.traffic.bytesIn);
  counter('spool_records_out_total', 'Records served to consumers since the broker started (counted by whole batches; a file range handed to a local consumer counts the records from its fetch offset to its end).', (r) => r.traffic.messagesOut);
  counter('spool_bytes_out_total', 'Bytes of record batches served to consumers since the broker started, in answers or as file ranges that local consumers read themselves.', (r) => r.traffic.bytesOut);
  gauge('spool_log_start_offset', 'The first offset still in the partition (raised by retention and trim).', (r) => r.logStartOffset);
  gauge('spool_log_end_offset', 'The offset the next record appended to the partition gets.', (r) => r.logEndOffset);
  gauge('spool_log_size_bytes', "Bytes of the partition's segment files.", (r) => r.sizeBytes);
  gauge('spool_log_segments', 'Segment files of the partition, the active one included.', (r) => r.segments);
  registerGroupMetrics(registry, sources);
  registerConnectionMetrics(registry, sources);
}

/** Every partition as it is now (in memory: no I/O). */
function readPartitions(sources: LogMetricSources): PartitionReading[] {
  const readings: PartitionReading[] = [];
  for (const topic of sources.logs.topics()) {
    topic.partitions.forEach((log, partition) => {
      readings.push({
        labels: { topic: topic.name, partition: String(partition) },
        traffic: sources.stats.partition(topic.name, partition),
        logStartOffset: log.logStartOffset,
        logEndOffset: log.nextOffset,
        sizeBytes: log.sizeBytes,
        segments: log.segmentCount,
      });
    });
  }
  return readings;
}

type GroupLabel = 'group' | 'topic' | 'partition';

function registerGroupMetrics(registry: Registry, sources: LogMetricSources): void {
  const registers = [registry];
  const labelNames: GroupLabel[] = ['group', 'topic', 'partition'];
  new Gauge({
    name: 'spool_group_committed_offset',
    help: 'The offset a consumer group has committed on a partition (the next record it will read).',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const c of readCommits(sources)) this.set(c.labels, c.offset);
    },
  });
  new Gauge({
    name: 'spool_group_lag',
    help: "The log end offset minus a consumer group's committed offset (as spool group describe shows it).",
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const c of readCommits(sources)) this.set(c.labels, c.lag);
    },
  });
}

/** Every committed offset of a partition that exists, with the lag behind its log end. */
function readCommits(sources: LogMetricSources): Array<{ labels: Record<GroupLabel, string>; offset: number; lag: number }> {
  const commits = [];
  for (const c of sources.groups.allOffsets()) {
    const log = sources.logs.topic(c.topic)?.partitions[c.partition];
    if (log === undefined) continue;
    const labels = { group: c.group, topic: c.topic, partition: String(c.partition) };
    commits.push({ labels, offset: c.offset, lag: Math.max(0, log.nextOffset - c.offset) });
  }
  return commits;
}

function registerConnectionMetrics(registry: Registry, sources: LogMetricSources): void {
  const registers = [registry];
  new Gauge({
    name: 'spool_connections',
    help: 'Client connections open now, per listener (socket: the Unix socket, kafka: the Kafka listener).',
    labelNames: ['listener'],
    registers,
    collect() {
      this.reset();
      for (const c of sources.connections()) this.set({ listener: c.listener }, c.open);
    },
  });
  new Counter({
    name: 'spool_connections_accepted_total',
    help: 'Client connections accepted since the broker started, per listener.',
    labelNames: ['listener'],
    registers,
    collect() {
      this.reset();
      for (const c of sources.connections()) this.inc({ listener: c.listener }, c.accepted);
    },
  });
}
