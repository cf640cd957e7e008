// The spool top dashboard with ink-testing-library: one snapshot in, tables out.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { Chalk } from 'chalk';
import { cleanup, render } from 'ink-testing-library';
import { makePalette } from '../../../src/term/colors.js';
import type { TopSnapshot } from '../../../src/term/top-snapshot.js';
import { topJson } from '../../../src/term/top-tables.js';
import { TopPanel, TopView } from '../../../src/ui/top-view.js';

const PALETTE = makePalette(new Chalk({ level: 0 }));

const SNAPSHOT: TopSnapshot = {
  timestampMs: Date.now(),
  intervalMs: 1000,
  broker: { pid: 4242, uptimeMs: 3_723_000, version: '0.1.0', topics: 2, bytes: 3 * 1024 * 1024, socketConnections: 1, socketRequests: 7, kafkaConnections: 2, kafkaRequests: 40 },
  topics: [
    {
      name: 'logs',
      partitions: 6,
      messages: 1_234_567,
      bytes: 2 * 1024 * 1024,
      endOffsets: [100, 200, 300, 400, 500, 600],
      rates: { messagesInPerSec: 20_113.4, messagesOutPerSec: 19_990, bytesInPerSec: 2_048_000, bytesOutPerSec: 1_024 },
      traffic: { messagesIn: 1, bytesIn: 2, messagesOut: 3, bytesOut: 4 },
    },
    { name: 'quiet', partitions: 1, messages: 3, bytes: 210, endOffsets: [3], rates: null, traffic: { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 } },
  ],
  groups: [{ group: 'workers', state: 'stable', members: 3, topics: ['logs'], lag: 1500 }],
};

afterEach(() => cleanup());

/** Wait (up to 5 s, for a loaded machine) until `text()` matches. */
async function until(text: () => string, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!pattern.test(text())) {
    if (Date.now() > deadline) assert.match(text(), pattern);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ui > top view', () => {
  test('the broker, a topics table and a groups table', () => {
    const frame = render(<TopPanel snapshot={SNAPSHOT} palette={PALETTE} />).lastFrame() ?? '';
    assert.match(frame, /broker pid 4242, up 1h 2m, 2 topics, 3\.0 MiB, /);
    assert.match(frame, /socket 1 conn 7 req, kafka 2 conn 40 req/);
    assert.match(frame, /TOPIC +PARTS +IN REC\/S +OUT REC\/S +IN B\/S +OUT B\/S +MESSAGES +SIZE +END OFFSETS/);
    assert.match(frame, /logs +6 +20,113 +19,990 +2\.0 MiB +1\.0 KiB +1,234,567 +2\.0 MiB +100 200 300 400 \+2 more/);
    assert.match(frame, /quiet +1 +- +- +- +- +3 +210 B +3/);
    assert.match(frame, /GROUP +STATE +MEMBERS +TOPICS +LAG/);
    assert.match(frame, /workers +stable +3 +logs +1,500/);
    for (const line of frame.split('\n')) assert.ok(line.length <= 100, line);
  });

  test('the JSON snapshot has numbers as numbers and null rates before a second reading', () => {
    const json = topJson(SNAPSHOT) as { topics: Array<Record<string, unknown>>; groups: unknown[] };
    assert.equal(json.topics[0]!.messagesInPerSec, 20113.4);
    assert.deepEqual(json.topics[0]!.endOffsets, [100, 200, 300, 400, 500, 600]);
    assert.equal(json.topics[1]!.messagesInPerSec, null);
    assert.deepEqual(json.groups, [{ group: 'workers', state: 'stable', members: 3, topics: ['logs'], lag: 1500 }]);
  });

  test('a failed refresh shows that the broker is being waited for, and the tables come back when it is', async () => {
    let calls = 0;
    let back: (ok: boolean) => void = () => undefined;
    const load = async () => {
      calls++;
      if (calls === 2) throw new Error('the broker closed the connection');
      return { ...SNAPSHOT, broker: { ...SNAPSHOT.broker!, pid: calls === 1 ? 4242 : 5353 } };
    };
    const recover = () => new Promise<boolean>((resolve) => (back = resolve));
    const app = render(<TopView load={load} recover={recover} intervalMs={20} palette={PALETTE} />);
    await until(() => app.lastFrame() ?? '', /⚠ lost the broker; waiting for it to come back/);
    assert.match(app.lastFrame() ?? '', /broker pid 4242/, 'the last tables stay while waiting');
    back(true);
    await until(() => app.lastFrame() ?? '', /broker pid 5353/);
    assert.doesNotMatch(app.lastFrame() ?? '', /waiting for it/);
  });
});
