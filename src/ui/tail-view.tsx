// The live view of `spool tail` on a terminal, shaped like ink's examples/jest: finished rows
// scroll away above, a status bar stays at the bottom. Records come from a LiveFeed; at most one
// frame per `frameMs` takes everything that arrived, formats it (cut to the terminal width,
// filtered by the `/` filter) and writes it above the status bar in one piece.
//
// Rows go through ink's `useStdout().write`, not `<Static>`: ink 6 keeps every `<Static>` output
// in memory for the life of the app (Ink#fullStaticOutput) and lays out each row with Yoga, which
// at 20,000 rows/s measured over 100% CPU and a growing heap; write() keeps nothing and costs
// about a tenth. Keys: q or Ctrl-C quit, space pauses and resumes, `/` edits the filter.
import { useApp, useInput, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Palette } from '../term/colors.js';
import { formatCount } from '../term/human.js';
import type { CliIo } from '../term/io.js';
import type { LiveFeed } from './live-feed.js';
import { StatusBar } from './components/status-bar.js';
import { useFrameLoop } from './hooks/use-frame-loop.js';
import { useTerminalColumns } from './hooks/use-terminal-columns.js';
import { compileLiveFilter, type LiveFilter } from './live-filter.js';
import { renderLive } from './render-live.js';
import type { TailRowFormatter } from './tail-row.js';

export const FRAME_MS = 100;
export const TICK_MS = 1000;
/**
 * Rows drawn per frame at most (10,000 a second at 10 frames a second). When more arrive —
 * faster than anyone reads, or than the terminal absorbs, which makes frames slower and fuller —
 * the last ones are drawn below one line saying how many were not, and the view stays current
 * instead of falling behind. Every record is still counted; a pipe gets every one.
 */
export const MAX_ROWS_PER_FRAME = 1000;

export interface TailViewProps {
  feed: LiveFeed;
  rows: TailRowFormatter;
  palette: Palette;
  /** The topic arguments as given. */
  patterns: readonly string[];
  frameMs?: number;
  tickMs?: number;
  maxRowsPerFrame?: number;
}

/** Show the tail view until q, Ctrl-C, `signal`, or the feed fails (then throws its error). */
export function showTailView(props: TailViewProps, io: CliIo, signal: AbortSignal): Promise<void> {
  return renderLive(<TailView {...props} />, io, signal);
}

export function TailView({ feed, rows, palette, patterns, frameMs = FRAME_MS, tickMs = TICK_MS, maxRowsPerFrame = MAX_ROWS_PER_FRAME }: TailViewProps) {
  const { exit } = useApp();
  const { write } = useStdout();
  const { isRawModeSupported } = useStdin();
  const columns = useTerminalColumns();
  const [stats, setStats] = useState(() => feed.stats());
  const [draft, setDraft] = useState<string | null>(null);
  const [filter, setFilter] = useState<LiveFilter | null>(null);
  const [shown, setShown] = useState(0);
  // Keys may come faster than renders (a paste, a terminal multiplexer): the handler works on
  // these refs, and the state only mirrors them for drawing.
  const current = useRef({ columns, filter: null as LiveFilter | null, draft: null as string | null, shown: 0, uncapped: true });
  current.current.columns = columns;

  const editDraft = (next: string | null) => {
    current.current.draft = next;
    setDraft(next);
  };
  const applyFilter = (text: string) => {
    const compiled = compileLiveFilter(text);
    current.current.filter = compiled;
    current.current.shown = 0;
    setShown(0);
    setFilter(compiled);
  };

  useInput(
    (input, key) => {
      const editing = current.current.draft;
      if (editing !== null) {
        if (key.return) {
          applyFilter(editing);
          editDraft(null);
        } else if (key.escape) editDraft(null);
        else if (key.backspace || key.delete) editDraft(editing.slice(0, -1));
        else if (!key.ctrl && !key.meta && input !== '') editDraft(editing + input.replace(/[\r\n]/g, ''));
        return;
      }
      if (input === 'q') exit();
      else if (input === ' ') {
        // What was held while paused is drawn in full on resume, not cut to one frame's worth.
        if (feed.paused) current.current.uncapped = true;
        feed.setPaused(!feed.paused);
        setStats(feed.stats());
      } else if (input === '/') editDraft(current.current.filter?.source ?? '');
      else if (key.escape && current.current.filter !== null) applyFilter('');
    },
    { isActive: isRawModeSupported },
  );

  useEffect(() => feed.onError((err) => exit(err)), [feed, exit]);

  const subscribe = useCallback((onChange: () => void) => feed.onChange(onChange), [feed]);
  useFrameLoop(subscribe, frameMs, tickMs, () => {
    const records = feed.take();
    if (records.length > 0) {
      const state = current.current;
      const visible = state.filter === null ? records : records.filter((r) => state.filter!.test(r));
      // The first frame (the -n history) and the one after a resume are drawn in full.
      const cap = state.uncapped ? Infinity : maxRowsPerFrame;
      state.uncapped = false;
      const skipped = Math.max(0, visible.length - cap);
      let text = skipped > 0 ? rows.note(`… ${formatCount(skipped)} records not drawn: faster than a terminal shows (a pipe gets every one)`, state.columns) + '\n' : '';
      for (let i = skipped; i < visible.length; i++) text += rows.format(visible[i]!, state.columns) + '\n';
      state.shown += visible.length;
      if (text !== '') write(text);
      if (state.filter !== null) setShown(state.shown);
    }
    setStats(feed.stats());
  });

  return <StatusBar stats={stats} patterns={patterns} palette={palette} draft={draft} filter={filter === null ? null : { source: filter.source, shown }} />;
}
