// The status bar at the bottom of the tail view: what is followed, how fast, how many, the lag,
// and the keys; or, while typing after `/`, the filter being edited. Each line is cut to the
// terminal width by ink.
import { Box, Text } from 'ink';
import type { Palette } from '../../term/colors.js';
import { formatCount } from '../../term/human.js';
import type { FeedStats } from '../live-feed.js';

export interface StatusBarProps {
  stats: FeedStats;
  /** The topic arguments as given (names and patterns). */
  patterns: readonly string[];
  palette: Palette;
  /** The filter text being typed after `/`, or null when not editing. */
  draft: string | null;
  /** The active filter's text and how many rows it let through since it was set. */
  filter: { source: string; shown: number } | null;
}

export function StatusBar({ stats, patterns, palette: p, draft, filter }: StatusBarProps) {
  const state = stats.notice !== null ? p.warn(`⚠ ${stats.notice}`) : stats.paused ? p.warn('❚❚ paused') : p.good('▶ following');
  const what =
    stats.topics.length === 0
      ? p.dim(`waiting for topics matching ${patterns.join(' ')}`)
      : `${p.bold(topicLabel(stats.topics))} ${p.dim('·')} ${plural(stats.partitions, 'partition')}`;
  const held = stats.paused && stats.held > 0 ? ` ${p.dim('·')} ${p.warn(`${formatCount(stats.held)} new held`)}` : '';
  const line =
    `${state} ${what} ${p.dim('·')} ${p.bold(formatCount(Math.round(stats.ratePerSec)))} rec/s ` +
    `${p.dim('·')} ${plural(stats.total, 'record')} ${p.dim('·')} lag ${stats.lag > 0 ? p.warn(formatCount(stats.lag)) : '0'}${held}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">{line}</Text>
      <Text wrap="truncate-end">{draft !== null ? editLine(draft, p) : keysLine(stats.paused, filter, p)}</Text>
    </Box>
  );
}

function editLine(draft: string, p: Palette): string {
  return `${p.bold('/')}${draft}${p.bold('▏')}  ${p.dim('enter applies · esc cancels · empty clears')}`;
}

function keysLine(paused: boolean, filter: StatusBarProps['filter'], p: Palette): string {
  const keys = `${p.bold('q')} quit  ${p.bold('space')} ${paused ? 'resume' : 'pause'}  ${p.bold('/')} filter`;
  if (filter === null) return p.dim(keys);
  return `${p.warn(`filter /${filter.source}/`)} ${p.dim(`${formatCount(filter.shown)} matched ·`)} ${p.dim(keys)}`;
}

function topicLabel(topics: readonly string[]): string {
  if (topics.length === 1) return topics[0]!;
  const shown = topics.slice(0, 3).join(', ');
  return `${plural(topics.length, 'topic')} (${topics.length > 3 ? `${shown}, …` : shown})`;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}
