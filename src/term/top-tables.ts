// The tables of `spool top` as data (the ink view and tests share them) and its JSON snapshot.
import type { Column, TableData } from './table.js';
import { formatBytes, formatCount, formatDuration } from './human.js';
import { groupListTable } from './group-tables.js';
import type { TopSnapshot, TopTopic } from './top-snapshot.js';

const TOPIC_COLUMNS: readonly Column[] = [
  { header: 'TOPIC' },
  { header: 'PARTS', align: 'right' },
  { header: 'IN REC/S', align: 'right' },
  { header: 'OUT REC/S', align: 'right' },
  { header: 'IN B/S', align: 'right' },
  { header: 'OUT B/S', align: 'right' },
  { header: 'MESSAGES', align: 'right' },
  { header: 'SIZE', align: 'right' },
  { header: 'END OFFSETS' },
];

const SHOWN_END_OFFSETS = 4;

export function topicTable(snapshot: TopSnapshot): TableData {
  return {
    columns: TOPIC_COLUMNS,
    rows: snapshot.topics.map((t) => [
      t.name,
      String(t.partitions),
      rate(t.rates?.messagesInPerSec),
      rate(t.rates?.messagesOutPerSec),
      byteRate(t.rates?.bytesInPerSec),
      byteRate(t.rates?.bytesOutPerSec),
      formatCount(t.messages),
      formatBytes(t.bytes),
      endOffsets(t),
    ]),
  };
}

export function groupTable(snapshot: TopSnapshot): TableData {
  return groupListTable(snapshot.groups, formatCount);
}

/** One line about the broker above the tables. */
export function brokerLine(snapshot: TopSnapshot): string {
  const b = snapshot.broker;
  if (b === null) {
    const c = snapshot.cluster;
    if (c === undefined) return '';
    return `cluster ${c.clusterId}, ${c.brokers} broker${c.brokers === 1 ? '' : 's'}, controller ${c.controller}, ${formatCount(c.topics)} topic${c.topics === 1 ? '' : 's'}`;
  }
  const kafka = b.kafkaConnections === null ? '' : `, kafka ${formatCount(b.kafkaConnections)} conn ${formatCount(b.kafkaRequests ?? 0)} req`;
  const clients = `socket ${formatCount(b.socketConnections)} conn ${formatCount(b.socketRequests)} req${kafka}`;
  // Short enough for 100 columns: the version (in `broker status` and the JSON snapshot) and
  // "on disk" give way to the live counts of connections and requests.
  return `broker pid ${b.pid}, up ${formatDuration(b.uptimeMs)}, ${formatCount(b.topics)} topic${b.topics === 1 ? '' : 's'}, ${formatBytes(b.bytes)}, ${clients}`;
}

function rate(perSec: number | undefined): string {
  return perSec === undefined ? '-' : formatCount(Math.round(perSec));
}

function byteRate(perSec: number | undefined): string {
  return perSec === undefined ? '-' : formatBytes(Math.round(perSec));
}

function endOffsets(t: TopTopic): string {
  const shown = t.endOffsets.slice(0, SHOWN_END_OFFSETS).join(' ');
  return t.endOffsets.length > SHOWN_END_OFFSETS ? `${shown} +${t.endOffsets.length - SHOWN_END_OFFSETS} more` : shown;
}

/** `spool top --json`: one snapshot, rates measured over `intervalMs`. */
export function topJson(snapshot: TopSnapshot): unknown {
  const round = (n: number | undefined) => (n === undefined ? null : Math.round(n * 100) / 100);
  return {
    timestamp: snapshot.timestampMs,
    intervalMs: snapshot.intervalMs === null ? null : Math.round(snapshot.intervalMs),
    broker: snapshot.broker,
    ...(snapshot.cluster === undefined ? {} : { cluster: snapshot.cluster }),
    topics: snapshot.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      messagesInPerSec: round(t.rates?.messagesInPerSec),
      messagesOutPerSec: round(t.rates?.messagesOutPerSec),
      bytesInPerSec: round(t.rates?.bytesInPerSec),
      bytesOutPerSec: round(t.rates?.bytesOutPerSec),
      messages: t.messages,
      bytes: t.bytes,
      endOffsets: t.endOffsets,
      traffic: t.traffic,
    })),
    groups: snapshot.groups.map((g) => ({ group: g.group, state: g.state, members: g.members, topics: [...g.topics], lag: g.lag })),
  };
}
