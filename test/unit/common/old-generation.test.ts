// The per-fetch paths (and the per-batch bookkeeping of an idempotent producer) leave nothing in V8's old generation. A following reader and the broker
// serving it go through them about once per append, and what they left there (V8 allocates part of
// an object literal whose spread is followed by more properties straight in the old generation;
// a long-lived Map or Set that gains and loses a key gets a new hash table there) filled it by
// 0.2-0.3 MB/s, until a full collection paused the process for 3-7 ms. Measured in a child with
// --expose-gc: the old generation's used bytes across many calls, after a warm-up.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';

const src = (path: string) => pathToFileURL(join(import.meta.dirname, '../../../src', path)).href;

/** Bytes the old generation grew by per call of `body` (a statement using `i`), after `setup`. */
function oldBytesPerCall(dir: string, setup: string, body: string): number {
  const script = join(dir, `case-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `import v8 from 'node:v8';
${setup}
const old = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
let sink;
const run = async (n) => { for (let i = 0; i < n; i++) sink = ${body}; };
await run(20000);
gc(); gc();
const before = old();
const CALLS = 100000;
await run(CALLS);
process.stdout.write(String((old() - before) / CALLS));
`,
  );
  const child = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return Number(child.stdout);
}

describe('nothing left in the old generation per fetch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spo-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const answer = `
import { encodeFetchResponse } from '${src('protocol/messages/fetch.js')}';
import { encodeLocalFetchResponse } from '${src('protocol/messages/local-fetch.js')}';
const topics = [{ topic: 'lat', partitions: [{ partition: 0, errorCode: 0, logStartOffset: 0, highWatermark: 12345, records: Buffer.alloc(90, 1) }] }];
const local = Buffer.concat(encodeLocalFetchResponse(topics));
const plain = Buffer.concat(encodeFetchResponse(topics));
`;

  test('decoding a LocalFetch answer', () => {
    const bytes = oldBytesPerCall(dir, `${answer}import { decodeLocalFetchResponse } from '${src('protocol/messages/local-fetch.js')}';`, 'decodeLocalFetchResponse(local)');
    assert.ok(bytes < 8, `${bytes.toFixed(1)} bytes per answer`);
  });

  test('decoding a Fetch answer', () => {
    const bytes = oldBytesPerCall(dir, `${answer}import { decodeFetchResponse } from '${src('protocol/messages/fetch.js')}';`, 'decodeFetchResponse(plain)');
    assert.ok(bytes < 8, `${bytes.toFixed(1)} bytes per answer`);
  });

  test('parking a fetch and waking it by an append', () => {
    const setup = `
import { ParkedFetches } from '${src('broker/parked-fetches.js')}';
const parked = new ParkedFetches();
const owner = {};
const partitions = [['lat', 0]];
const cycle = () => { let woken = false; parked.park(owner, partitions, 500, () => { woken = true; }); parked.notify('lat', 0); return woken; };
`;
    const bytes = oldBytesPerCall(dir, setup, 'cycle()');
    assert.ok(bytes < 8, `${bytes.toFixed(1)} bytes per fetch`);
  });

  test("a connection's request waiting for its answer, then answered", () => {
    const setup = `
import { PendingRequests } from '${src('client/pending-requests.js')}';
const pending = new PendingRequests();
let id = 1;
const cycle = () => { const mine = id++; pending.add(mine, { mine }); return pending.take(mine); };
`;
    const bytes = oldBytesPerCall(dir, setup, 'cycle()');
    assert.ok(bytes < 8, `${bytes.toFixed(1)} bytes per request`);
  });

  test("recording an idempotent producer's batch (the produce path's part, beside the fetch's)", () => {
    const setup = `
import { ProducerStateTable } from '${src('storage/producer-state.js')}';
const table = new ProducerStateTable();
let seq = 0;
const append = (i) => { const batch = { producerId: 7, producerEpoch: 0, firstSeq: seq, lastSeq: seq + 9, lastOffsetDelta: 9 }; seq += 10; table.recordAppend(batch, i * 10, i * 10 + 9, i, 1000); };
`;
    const bytes = oldBytesPerCall(dir, setup, 'append(i)');
    assert.ok(bytes < 8, `${bytes.toFixed(1)} bytes per batch`);
  });
});
