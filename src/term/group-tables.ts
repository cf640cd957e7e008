// The tables of `spool group list` and `spool group describe` (SPEC §3 group, §4): the column
// layouts and rows as data, so the plain output and the ink view of `describe --watch` show the
// same columns, and the JSON shapes of SPEC §4 with their keys in the documented order.
import type { GroupDescription, GroupSummary } from '../protocol/messages/group-admin.js';
import { renderTable, type Column, type TableData } from './table.js';

const NONE = '-';

const LIST_COLUMNS: readonly Column[] = [
  { header: 'GROUP' },
  { header: 'STATE' },
  { header: 'MEMBERS', align: 'right' },
  { header: 'TOPICS' },
  { header: 'LAG', align: 'right' },
];

const MEMBER_COLUMNS: readonly Column[] = [
  { header: 'MEMBER-ID' },
  { header: 'CLIENT-ID' },
  { header: 'PID', align: 'right' },
  { header: 'HOST' },
  { header: 'PARTITIONS' },
];

const PARTITION_COLUMNS: readonly Column[] = [
  { header: 'TOPIC' },
  { header: 'PARTITION', align: 'right' },
  { header: 'COMMITTED', align: 'right' },
  { header: 'END', align: 'right' },
  { header: 'LAG', align: 'right' },
  { header: 'MEMBER-ID' },
  { header: 'CLIENT-ID' },
  { header: 'PID', align: 'right' },
];

/** The groups as `group list` and `spool top` show them; `lagText` formats the lag. */
export function groupListTable(groups: readonly GroupSummary[], lagText: (lag: number) => string = String): TableData {
  return {
    columns: LIST_COLUMNS,
    rows: groups.map((g) => [g.group, g.state, String(g.members), g.topics.length === 0 ? NONE : g.topics.join(','), lagText(g.lag)]),
  };
}

export function renderGroupList(groups: readonly GroupSummary[]): string {
  const table = groupListTable(groups);
  return renderTable(table.columns, table.rows);
}

export function totalLag(d: GroupDescription): number {
  return d.partitions.reduce((sum, p) => sum + p.lag, 0);
}

/** `group workers: stable, generation 7, 3 members`. */
export function describeHeader(d: GroupDescription): string {
  return `group ${d.group}: ${d.state}, generation ${d.generation}, ${plural(d.members.length, 'member')}`;
}

export function memberTable(d: GroupDescription): TableData {
  return {
    columns: MEMBER_COLUMNS,
    rows: d.members.map((m) => [m.memberId, m.clientId, m.pid === null ? NONE : String(m.pid), m.host, formatAssignment(m.assignment)]),
  };
}

export function partitionTable(d: GroupDescription): TableData {
  return {
    columns: PARTITION_COLUMNS,
    rows: d.partitions.map((p) => [
      p.topic,
      String(p.partition),
      p.committedOffset === null ? NONE : String(p.committedOffset),
      String(p.logEndOffset),
      String(p.lag),
      p.memberId ?? NONE,
      p.clientId ?? NONE,
      p.pid === null ? NONE : String(p.pid),
    ]),
  };
}

/**
 * The plain `group describe` text: the header line, the members table (left out when there are
 * none), the partitions table and the total lag, with blank lines between them.
 */
export function renderGroupDescription(d: GroupDescription): string {
  const parts = [describeHeader(d) + '\n'];
  if (d.members.length > 0) parts.push(renderTableData(memberTable(d)));
  parts.push(renderTableData(partitionTable(d)) + `total lag: ${totalLag(d)}\n`);
  return parts.join('\n');
}

function renderTableData(table: TableData): string {
  return renderTable(table.columns, table.rows);
}

/** `[{logs,0},{logs,1},{audit,2}]` -> `logs:0,1 audit:2`, the form `group reset --topic` takes. */
export function formatAssignment(partitions: ReadonlyArray<{ topic: string; partition: number }>): string {
  if (partitions.length === 0) return NONE;
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) {
    const list = byTopic.get(tp.topic) ?? [];
    list.push(tp.partition);
    byTopic.set(tp.topic, list);
  }
  return [...byTopic].map(([topic, list]) => `${topic}:${list.sort((a, b) => a - b).join(',')}`).join(' ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
