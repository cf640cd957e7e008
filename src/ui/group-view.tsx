// The live view of `spool group describe G --watch` on a terminal: a title line (state,
// generation, members, total lag, time of the last refresh) above the same members and
// partitions tables the plain `describe` prints, redrawn in place every refresh. q or Ctrl-C
// quits. The data comes from `load()`, so a test can render GroupPanel with a description.
import { Box, Text, useApp, useInput, useStdin } from 'ink';
import { useCallback } from 'react';
import type { CliIo } from '../term/io.js';
import { renderTable, type TableData } from '../term/table.js';
import { memberTable, partitionTable, totalLag } from '../term/group-tables.js';
import type { GroupDescription, GroupStateName } from '../protocol/messages/group-admin.js';
import { WAITING_NOTICE, usePeriodicLoad } from './hooks/use-periodic-load.js';
import { renderLive } from './render-live.js';

const STATE_COLORS: Record<GroupStateName, string> = { stable: 'green', rebalancing: 'yellow', empty: 'gray', dead: 'red' };

/**
 * Show the group live until q, Ctrl-C or `signal`. A failed refresh goes to `recover` (the view
 * says it waits meanwhile); one it cannot recover from ends the view with its error.
 */
export function watchGroupLive(
  load: () => Promise<GroupDescription>,
  intervalMs: number,
  io: CliIo,
  signal: AbortSignal,
  recover?: (err: unknown) => Promise<boolean>,
): Promise<void> {
  return renderLive(<GroupWatch load={load} intervalMs={intervalMs} {...(recover === undefined ? {} : { recover })} />, io, signal);
}

export interface GroupWatchProps {
  load: () => Promise<GroupDescription>;
  intervalMs: number;
  recover?: (err: unknown) => Promise<boolean>;
}

interface Snapshot {
  description: GroupDescription;
  refreshedMs: number;
}

export function GroupWatch({ load, intervalMs, recover }: GroupWatchProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const loadSnapshot = useCallback(async (): Promise<Snapshot> => ({ description: await load(), refreshedMs: Date.now() }), [load]);
  const { data: snapshot, waiting } = usePeriodicLoad(loadSnapshot, intervalMs, recover);

  // Without a terminal on stdin there are no keys to read; Ctrl-C then arrives as SIGINT.
  useInput(
    (input) => {
      if (input === 'q') exit();
    },
    { isActive: isRawModeSupported },
  );

  const notice = waiting ? <Text color="yellow">{WAITING_NOTICE}</Text> : null;
  if (snapshot === null) return notice ?? <Text dimColor>loading…</Text>;
  return (
    <Box flexDirection="column">
      {notice}
      <GroupPanel description={snapshot.description} refreshedMs={snapshot.refreshedMs} />
    </Box>
  );
}

export interface GroupPanelProps {
  description: GroupDescription;
  refreshedMs: number;
}

export function GroupPanel({ description: d, refreshedMs }: GroupPanelProps) {
  const members = memberTable(d);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>group {d.group}</Text>
        {'  '}
        <Text color={STATE_COLORS[d.state]}>{d.state}</Text>
        {`  generation ${d.generation}  ${d.members.length} member${d.members.length === 1 ? '' : 's'}  total lag `}
        <Text bold>{totalLag(d)}</Text>
        <Text dimColor>{`  refreshed ${clockTime(refreshedMs)}`}</Text>
      </Text>
      {members.rows.length > 0 && (
        <Box marginTop={1}>
          <TableView table={members} />
        </Box>
      )}
      <Box marginTop={1}>
        <TableView table={partitionTable(d)} />
      </Box>
      <Box marginTop={1}>
        <Text dimColor>q or Ctrl-C quits</Text>
      </Box>
    </Box>
  );
}

/** The plain table, header in bold, each line cut to the terminal width. */
function TableView({ table }: { table: TableData }) {
  const [header = '', ...rows] = renderTable(table.columns, table.rows).trimEnd().split('\n');
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {header}
      </Text>
      {rows.map((row, i) => (
        <Text key={i} wrap="truncate-end">
          {row}
        </Text>
      ))}
    </Box>
  );
}

/** Local HH:MM:SS (toLocaleTimeString would load ICU data). */
function clockTime(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}
