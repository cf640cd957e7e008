// The tail view with ink-testing-library: rows above, the status bar below, rows cut to the
// terminal width (100 columns here), pause and resume, the / filter, and the per-frame cap.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { Chalk } from 'chalk';
import { cleanup, render } from 'ink-testing-library';
import { makePalette } from '../../../src/term/colors.js';
import { LiveFeed, type FeedSource } from '../../../src/ui/live-feed.js';
import type { TailRecord } from '../../../src/ui/tail-record.js';
import { TailView } from '../../../src/ui/tail-view.js';
import { TailRowFormatter } from '../../../src/ui/tail-row.js';
import { textWidth } from '../../../src/ui/text-width.js';

const PALETTE = makePalette(new Chalk({ level: 0 }));
const FRAME_MS = 5;
const SOURCE: FeedSource = { lag: 7, topics: ['orders', 'payments'], partitions: 4 };

function record(offset: number, value: string, key: string | null = null): TailRecord {
  return { topic: 'orders', partition: 1, offset, timestamp: Date.now(), key, value, valueBytes: value.length, binary: false, formatted: null };
}

function view(options: { maxRowsPerFrame?: number } = {}) {
  const feed = new LiveFeed();
  feed.setSource(SOURCE);
  const rows = new TailRowFormatter(PALETTE, { showTopic: false });
  const app = render(<TailView feed={feed} rows={rows} palette={PALETTE} patterns={['orders', 'payments']} frameMs={FRAME_MS} tickMs={50} {...options} />);
  return { feed, app, output: () => app.frames.join('\n') };
}

const settle = (ms = 40) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (up to 5 s, for a loaded machine) until `text()` matches. */
async function until(text: () => string, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!pattern.test(text())) {
    if (Date.now() > deadline) assert.match(text(), pattern);
    await settle(10);
  }
}

async function press(app: ReturnType<typeof render>, keys: string): Promise<void> {
  app.stdin.write(keys);
  await settle(20);
}

afterEach(() => cleanup());

describe('ui > tail view', () => {
  test('rows appear above a status bar with topics, partitions, rate, total and lag', async () => {
    const { feed, app, output } = view();
    feed.push(record(41, 'first'));
    feed.push(record(42, 'second', 'k1'));
    await until(output, /1\/42 k1 second\n/);
    await until(() => app.lastFrame() ?? '', /2 records/);
    assert.match(output(), /1\/41 first\n/);
    assert.match(output(), /1\/42 k1 second\n/);
    const status = app.lastFrame() ?? '';
    assert.match(status, /following 2 topics \(orders, payments\) · 4 partitions/);
    assert.match(status, /\d+ rec\/s · 2 records · lag 7/);
    assert.match(status, /q quit {2}space pause {2}\/ filter/);
  });

  test('rows are cut to the terminal width', async () => {
    const { feed, output } = view();
    feed.push(record(1, `{"message":"${'m'.repeat(300)}"}`));
    feed.push(record(2, '日本語のログ'.repeat(40)));
    await until(output, / 1\/2 日本/);
    const lines = output().split('\n').filter((line) => line.includes(' 1/'));
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.ok(textWidth(line) <= 100, `${textWidth(line)} cells: ${line}`);
      assert.ok(line.endsWith('…'));
    }
  });

  test('space pauses: records keep counting but are held, and come on resume', async () => {
    const { feed, app, output } = view();
    await press(app, ' ');
    await until(() => app.lastFrame() ?? '', /paused/);
    feed.push(record(7, 'held-while-paused'));
    await until(() => app.lastFrame() ?? '', /1 record · lag 7 · 1 new held/);
    assert.doesNotMatch(output(), /held-while-paused/);
    assert.match(app.lastFrame() ?? '', /space resume/);
    await press(app, ' ');
    await until(output, /1\/7 held-while-paused\n/);
    await until(() => app.lastFrame() ?? '', /following/);
  });

  test('while the broker is away the status bar says so, and says following again once it is back', async () => {
    const { feed, app } = view();
    await until(() => app.lastFrame() ?? '', /following/);
    feed.setNotice('waiting for the broker to come back');
    await until(() => app.lastFrame() ?? '', /⚠ waiting for the broker to come back 2 topics/);
    assert.doesNotMatch(app.lastFrame() ?? '', /▶ following/);
    feed.setNotice(null);
    await until(() => app.lastFrame() ?? '', /▶ following 2 topics/);
  });

  test('/ sets a live filter; only matching rows are drawn, escape clears it', async () => {
    const { feed, app, output } = view();
    await press(app, '/');
    await press(app, 'err');
    await until(() => app.lastFrame() ?? '', /\/err/);
    await press(app, '\r');
    await until(() => app.lastFrame() ?? '', /filter \/err\//);
    feed.push(record(1, 'all good'));
    feed.push(record(2, 'an ERROR happened'));
    await until(output, /an ERROR happened/);
    await until(() => app.lastFrame() ?? '', /filter \/err\/ 1 matched/);
    assert.doesNotMatch(output(), /all good/);
    await press(app, '\u001b');
    await until(() => app.lastFrame() ?? '', /q quit/);
    feed.push(record(3, 'all good again'));
    await until(output, /all good again/);
  });

  test('the first frame (the history) is drawn in full', async () => {
    const { feed, output } = view({ maxRowsPerFrame: 3 });
    for (let i = 0; i < 10; i++) feed.push(record(i, `history-${i}`));
    await until(output, /history-9\n/);
    assert.match(output(), /history-0\n/);
    assert.doesNotMatch(output(), /not drawn/);
  });

  test('more records than one frame draws: the last ones, after a line saying how many were not', async () => {
    const { feed, output } = view({ maxRowsPerFrame: 3 });
    feed.push(record(100, 'first frame'));
    await until(output, /first frame\n/);
    for (let i = 0; i < 10; i++) feed.push(record(i, `value-${i}`));
    await until(output, /value-9\n/);
    assert.match(output(), /… 7 records not drawn/);
    assert.doesNotMatch(output(), /value-6\n/);
    assert.match(output(), /value-7\n[^]*value-8\n[^]*value-9\n/);
  });

  test('a failure of the feed ends the view', async () => {
    const { feed, app } = view();
    feed.fail(new Error('the broker closed the connection'));
    await settle();
    feed.push(record(1, 'after the end'));
    await settle();
    assert.doesNotMatch(app.frames.join(''), /after the end/);
  });
});
