// spool tail: the last N records across partitions (last-records.ts), then follow (follow.ts)
// until Ctrl-C. Into a pipe or file it prints exactly what `consume -f FMT` prints for those
// records, each record flushed at once; on a terminal it shows the live view (ui/tail-view.tsx),
// or with --no-follow the same rows printed once. Globs that match no topic are an error with
// --no-follow; following, it waits for a topic to match, and says so once on a terminal.
import { tierUpSooner } from '../../common/v8-tiering.js';
import type { Target, TargetAdmin } from '../../client/target/target.js';
import { ErrorCode } from '../../common/error-codes.js';
import { BrokerError } from '../../common/errors.js';
import type { TopicMetadata } from '../../protocol/messages/metadata.js';
import { liveViewEnabled } from '../../ui/render-live.js';
import { openTarget } from '../open-target.js';
import { offsetResetNotice } from '../consume/offset-reset-notice.js';
import { RecordWriter } from '../consume/record-writer.js';
import type { RecordFilter } from '../format/record-filter.js';
import type { RecordFormatter } from '../format/record-format.js';
import type { GlobalOptions } from '../global-options.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { OutputBuffer } from '../output-buffer.js';
import { Follower } from './follow.js';
import { readLastRecords, type MergedHistory, type TailStart } from './last-records.js';

export interface TailSettings {
  /** Topic names and glob patterns, as given. */
  patterns: string[];
  /** How many records before following (-n). */
  count: number;
  follow: boolean;
  /** The -f format (`value` unless given). */
  format: RecordFormatter;
  /** The -f format when one was given: the live view then shows its output instead of columns. */
  explicitFormat: RecordFormatter | null;
  filter: RecordFilter | null;
}

export interface TailContext {
  target: Target;
  topics: TopicMetadata[];
  start: TailStart;
  signal: AbortSignal;
}

export async function runTail(globals: GlobalOptions, settings: TailSettings, io: CliIo): Promise<void> {
  tierUpSooner();
  const target = await openTarget(globals, io);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const topics = await matchTopics(target.admin, settings.patterns);
    if (topics.length === 0) {
      // Only globs get here: a name that does not exist is an error already.
      if (!settings.follow) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, `no topic matches ${quoted(settings.patterns)} (spool topic list shows the topics)`);
      if (io.stderr.isTTY === true && !globals.quiet) io.stderr.write(`spool: no topic matches ${quoted(settings.patterns)} yet; waiting for one (Ctrl-C stops)\n`);
    }
    const start = await readLastRecords(target, topics, settings.count, abort.signal);
    const context = { target, topics, start, signal: abort.signal };
    if (liveViewEnabled(io)) {
      const { tailLive } = await import('./tail-live.js');
      await tailLive(context, settings, io);
    } else {
      await tailPlain(context, settings, io, globals.quiet);
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await target.close();
  }
}

/** The topics matching the arguments; a plain name that does not exist is an error. */
export async function matchTopics(admin: TargetAdmin, patterns: readonly string[]): Promise<TopicMetadata[]> {
  const metadata = await admin.metadata({ topics: [...patterns] });
  const missing = metadata.missing[0];
  if (missing !== undefined) {
    throw new BrokerError(
      ErrorCode.UnknownTopicOrPartition,
      `topic "${missing}" does not exist (spool topic list shows the topics; a pattern such as '${missing}*' also waits for topics created later)`,
    );
  }
  return [...metadata.topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `"a*"`, or `"a*" or "b*"`. */
function quoted(patterns: readonly string[]): string {
  return patterns.map((p) => `"${p}"`).join(' or ');
}

/** Into a pipe: the history, then every new record flushed at once, as `consume -f FMT` prints them. */
async function tailPlain(context: TailContext, settings: TailSettings, io: CliIo, quiet: boolean): Promise<void> {
  const { start, signal } = context;
  const writer = new RecordWriter(io.stdout, { format: settings.format, filter: settings.filter, count: null, untilTimestamp: null });
  await writeHistory(start.history, settings, io, () => writer.closed);
  if (settings.follow && !writer.closed && !signal.aborted) {
    const follower = new Follower({
      target: context.target,
      patterns: settings.patterns,
      start: start.ends,
      // Records that arrive together are written together, at once: one write per fetch
      // answer, not one per record, keeps tail's share of the CPU (and its latency) low.
      onData: async (data) => {
        await writer.writePartition(data);
        await writer.flush();
      },
      done: () => writer.done,
      onOffsetReset: offsetResetNotice(io.stderr, quiet),
    });
    try {
      await follower.run(signal);
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }
  await writer.finish();
}

const HISTORY_FLUSH_BYTES = 1 << 20;

/** The history in merged order, formatted and filtered as `consume` does. */
async function writeHistory(history: MergedHistory, settings: TailSettings, io: CliIo, closed: () => boolean): Promise<void> {
  const out = new OutputBuffer();
  const flush = async () => {
    if (out.length === 0 || closed()) return;
    await writeOut(io.stdout, out.take())?.catch(() => undefined); // a closed pipe shows in closed()
  };
  for (const walker of history.records()) {
    const cursor = walker.cursor;
    if (settings.filter !== null && !settings.filter(cursor)) continue;
    settings.format(cursor, walker.topic, walker.partition, out);
    if (out.length >= HISTORY_FLUSH_BYTES) await flush();
    if (closed()) return;
  }
  await flush();
}
