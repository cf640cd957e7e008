// The live dashboard of `spool top`: the broker on one line, then topics (records and bytes per
// second in and out, messages, size, end offsets) and groups (state, members, lag), redrawn in
// place every refresh. q or Ctrl-C quits. TopPanel renders one snapshot, so tests give it one.
import { Box, Text, useApp, useInput, useStdin } from 'ink';
import type { Palette } from '../term/colors.js';
import type { CliIo } from '../term/io.js';
import type { TopSnapshot } from '../term/top-snapshot.js';
import { brokerLine, groupTable, topicTable } from '../term/top-tables.js';
import type { TableData } from '../term/table.js';
import { WAITING_NOTICE, usePeriodicLoad } from './hooks/use-periodic-load.js';
import { renderLive } from './render-live.js';
import { textWidth } from './text-width.js';

export interface TopViewProps {
  load: () => Promise<TopSnapshot>;
  /** After a failed load: resolves true once loading can go on (the broker is back), false to end with the error. */
  recover?: (err: unknown) => Promise<boolean>;
  intervalMs: number;
  palette: Palette;
}

export function showTopView(props: TopViewProps, io: CliIo, signal: AbortSignal): Promise<void> {
  return renderLive(<TopView {...props} />, io, signal);
}

export function TopView({ load, recover, intervalMs, palette }: TopViewProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { data: snapshot, waiting } = usePeriodicLoad(load, intervalMs, recover);

  useInput(
    (input) => {
      if (input === 'q') exit();
    },
    { isActive: isRawModeSupported },
  );

  const notice = waiting ? <Text>{palette.warn(WAITING_NOTICE)}</Text> : null;
  if (snapshot === null) return notice ?? <Text>{palette.dim('loading…')}</Text>;
  return (
    <Box flexDirection="column">
      {notice}
      <TopPanel snapshot={snapshot} palette={palette} />
    </Box>
  );
}

const STATE_STYLE: Record<string, keyof Pick<Palette, 'good' | 'warn' | 'dim' | 'bad'>> = { stable: 'good', rebalancing: 'warn', empty: 'dim', dead: 'bad' };

export function TopPanel({ snapshot, palette: p }: { snapshot: TopSnapshot; palette: Palette }) {
  const topics = topicTable(snapshot);
  const groups = groupTable(snapshot);
  const refreshed = new Date(snapshot.timestampMs).toTimeString().slice(0, 8);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {`${p.bold('spool top')}  ${brokerLine(snapshot)}  ${p.dim(`refreshed ${refreshed}`)}`}
      </Text>
      <Box marginTop={1} flexDirection="column">
        {topics.rows.length === 0 ? <Text>{p.dim('no topics')}</Text> : <TableLines table={topics} palette={p} />}
      </Box>
      <Box marginTop={1} flexDirection="column">
        {groups.rows.length === 0 ? (
          <Text>{p.dim('no consumer groups')}</Text>
        ) : (
          <TableLines table={groups} palette={p} cellStyle={(row, column) => (column === 1 ? p[STATE_STYLE[row[1] ?? ''] ?? 'dim'] : null)} />
        )}
      </Box>
      <Box marginTop={1}>
        <Text>{p.dim(snapshot.intervalMs === null ? 'rates from the next refresh · q or Ctrl-C quits' : 'q or Ctrl-C quits')}</Text>
      </Box>
    </Box>
  );
}

type CellStyle = (row: readonly string[], column: number) => ((s: string) => string) | null;

/** A table padded to its widest cells, header in bold, each line cut to the terminal width. */
function TableLines({ table, palette, cellStyle }: { table: TableData; palette: Palette; cellStyle?: CellStyle }) {
  const { columns, rows } = table;
  const widths = columns.map((c, i) => Math.max(textWidth(c.header), ...rows.map((r) => textWidth(r[i] ?? ''))));
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, widths[i]! - textWidth(cell)));
    return columns[i]?.align === 'right' ? fill + cell : cell + fill;
  };
  const line = (cells: readonly string[], style: (cell: string, i: number) => string) => cells.map((cell, i) => style(pad(cell, i), i)).join('  ').trimEnd();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">{line(columns.map((c) => c.header), (cell) => palette.header(cell))}</Text>
      {rows.map((row, r) => (
        <Text key={r} wrap="truncate-end">
          {line(row, (cell, i) => cellStyle?.(row, i)?.(cell) ?? cell)}
        </Text>
      ))}
    </Box>
  );
}
