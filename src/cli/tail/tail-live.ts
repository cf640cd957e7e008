// spool tail on a terminal: rows in colour, cut to the width. With --no-follow they are printed
// once, without ink; otherwise the live view runs until q or Ctrl-C while a Follower fills its
// feed. A failure of the fetch loop ends the view with that error.
import { isGlob } from '../../common/glob.js';
import { MemoryPacer } from '../../common/memory-pacer.js';
import type { TopicMetadata } from '../../protocol/messages/metadata.js';
import { TailRowFormatter } from '../../ui/tail-row.js';
import { paletteFor } from '../../term/colors.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { Follower } from './follow.js';
import { LiveFeed } from '../../ui/live-feed.js';
import { LiveSink } from './live-sink.js';
import type { TailContext, TailSettings } from './run-tail.js';
import { TailRecordCapture } from './tail-record.js';

export async function tailLive(context: TailContext, settings: TailSettings, io: CliIo): Promise<void> {
  const palette = paletteFor(io.stdout, io.env);
  const rows = new TailRowFormatter(palette, {
    showTopic: showsTopic(settings.patterns, context.topics),
    topics: context.topics.map((t) => t.name),
    positions: context.start.ends,
  });
  const capture = new TailRecordCapture(settings.explicitFormat);
  if (!settings.follow) {
    await printRows(context, settings, io, rows, capture);
    return;
  }
  // The view's rows outlive a young-generation collection or two before they die; without full
  // collections now and then, V8 lets the old generation (and the RSS) creep up for minutes.
  const memory = new MemoryPacer({ minorEveryBytes: 2 << 20, majorEveryBytes: 16 << 20, shrink: true });
  const feed = new LiveFeed();
  const sink = new LiveSink(feed, capture, settings.filter);
  for (const walker of context.start.history.records()) sink.add(walker.cursor, walker.topic, walker.partition);
  feed.restartRate();
  const follower = new Follower({
    target: context.target,
    patterns: settings.patterns,
    start: context.start.ends,
    trackEnds: true,
    onData: (data) => {
      memory.account(data.records.length);
      return sink.write(data);
    },
  });
  feed.setSource(follower);
  // Inside the view a stderr line would tear the screen: the status bar says it instead.
  context.target.onEvent = (event) => feed.setNotice(event.kind === 'lost' ? 'waiting for the broker to come back' : null);
  const stopFollowing = new AbortController();
  const stop = () => stopFollowing.abort();
  context.signal.addEventListener('abort', stop, { once: true });
  const following = follower.run(stopFollowing.signal).catch((err: unknown) => {
    if (!stopFollowing.signal.aborted) feed.fail(err);
  });
  try {
    const { showTailView } = await import('../../ui/tail-view.js');
    await showTailView({ feed, rows, palette, patterns: settings.patterns }, io, context.signal);
  } finally {
    context.signal.removeEventListener('abort', stop);
    stopFollowing.abort();
    // The fetch in flight ends with the connection, which the caller closes; do not wait for it.
    void following;
  }
}

async function printRows(context: TailContext, settings: TailSettings, io: CliIo, rows: TailRowFormatter, capture: TailRecordCapture): Promise<void> {
  const columns = io.stdout.columns || 80;
  const lines: string[] = [];
  for (const walker of context.start.history.records()) {
    if (settings.filter !== null && !settings.filter(walker.cursor)) continue;
    lines.push(rows.format(capture.capture(walker.cursor, walker.topic, walker.partition), columns));
  }
  if (lines.length > 0) await writeOut(io.stdout, lines.join('\n') + '\n');
}

/** Show the topic on each row when more than one topic may appear. */
function showsTopic(patterns: readonly string[], topics: readonly TopicMetadata[]): boolean {
  return patterns.length > 1 || topics.length > 1 || patterns.some(isGlob);
}
