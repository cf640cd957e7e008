// Producer-state snapshot files: what is written is read back, a damaged or torn file is not
// trusted, the newest two are kept, and those past the log end go when a partition opens.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  readNewestSnapshot,
  removeSnapshotsAfter,
  writeProducerSnapshot,
} from '../../../src/storage/producer-snapshot.js';
import type { ProducerEntry } from '../../../src/storage/producer-state.js';
import { useTempDir } from '../../helpers/storage-fixtures.js';

const ENTRIES: ProducerEntry[] = [
  { producerId: 3, epoch: 0, nextSeq: 10, lastAppendMs: 1_800_000_000_000, batches: [{ firstSeq: 5, lastSeq: 9, firstOffset: 100, lastOffset: 104, maxTimestamp: 17 }] },
  { producerId: 2 ** 45, epoch: 32766, nextSeq: 0, lastAppendMs: 1_800_000_000_001, batches: [] },
  {
    producerId: 9,
    epoch: 2,
    nextSeq: 2_147_483_647,
    lastAppendMs: 5,
    batches: [0, 1, 2, 3, 4].map((i) => ({ firstSeq: i * 2, lastSeq: i * 2 + 1, firstOffset: 1000 + i * 2, lastOffset: 1001 + i * 2, maxTimestamp: -1 })),
  },
];

describe('storage > producer snapshots', () => {
  const dir = useTempDir();

  test('what is encoded decodes to the same producers, in the same order', () => {
    assert.deepEqual(decodeProducerSnapshot(encodeProducerSnapshot(4242, ENTRIES)), { offset: 4242, entries: ENTRIES });
    assert.deepEqual(decodeProducerSnapshot(encodeProducerSnapshot(0, [])), { offset: 0, entries: [] });
  });

  test('a flipped bit, a torn end or another file is not a snapshot', () => {
    const bytes = encodeProducerSnapshot(77, ENTRIES);
    for (const at of [0, 5, 12, 40, bytes.length - 1]) {
      const damaged = Buffer.from(bytes);
      damaged[at]! ^= 0x10;
      assert.equal(decodeProducerSnapshot(damaged), null, `bit flipped at ${at}`);
    }
    assert.equal(decodeProducerSnapshot(bytes.subarray(0, bytes.length - 3)), null);
    assert.equal(decodeProducerSnapshot(Buffer.from('hello')), null);
  });

  test('the newest two are kept; the newest readable one at or below the log end is used', () => {
    for (const offset of [10, 20, 30]) writeProducerSnapshot(dir.path, offset, ENTRIES.slice(0, offset / 10));
    assert.deepEqual(readdirSync(dir.path).sort(), ['00000000000000000020.snapshot', '00000000000000000030.snapshot']);
    assert.equal(readNewestSnapshot(dir.path, 1000)?.entries.length, 3);
    assert.equal(readNewestSnapshot(dir.path, 25)?.offset, 20);
    assert.equal(readNewestSnapshot(dir.path, 19), null);
    const newest = join(dir.path, '00000000000000000030.snapshot');
    writeFileSync(newest, readFileSync(newest).subarray(0, 30));
    assert.equal(readNewestSnapshot(dir.path, 1000)?.offset, 20, 'a torn newest one falls back to the one before');
  });

  test('snapshots past the log end and temporary files are removed', () => {
    for (const offset of [10, 20]) writeProducerSnapshot(dir.path, offset, ENTRIES);
    writeFileSync(join(dir.path, '00000000000000000040.snapshot.tmp'), 'x');
    writeFileSync(join(dir.path, '00000000000000000000.log'), '');
    removeSnapshotsAfter(dir.path, 15);
    assert.deepEqual(readdirSync(dir.path).sort(), ['00000000000000000000.log', '00000000000000000010.snapshot']);
  });
});
