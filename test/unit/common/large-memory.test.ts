// largeMemory: buffers of 2 MiB and more come from spool's addon in transparent huge pages where
// the kernel has them; they are ordinary, writable memory of exactly the size asked for, and
// their mappings are released when they are collected.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BufferPool } from '../../../src/common/buffer-pool.js';
import { ByteArena } from '../../../src/common/byte-arena.js';
import { HUGE_PAGE_BYTES, largeMemory } from '../../../src/common/large-memory.js';
import { nativeAddon } from '../../../src/common/native-addon.js';

const onLinux = process.platform === 'linux';

/** The kernel's transparent huge page mode: always, madvise or never. */
function thpMode(): string {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? 'never';
  } catch {
    return 'never';
  }
}

function anonHugeKiB(): number {
  return Number(/AnonHugePages:\s+(\d+)/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1] ?? 0);
}

describe('common > largeMemory', () => {
  test('the addon built at install offers huge-page memory on Linux', { skip: !onLinux }, () => {
    assert.equal(typeof nativeAddon()?.hugePageMemory, 'function', 'build/Release/spool_native.node lacks hugePageMemory: did `npm ci` run node-gyp?');
  });

  test('gives exactly the bytes asked for, writable end to end, small or large', () => {
    for (const bytes of [1, 4096, HUGE_PAGE_BYTES - 1, HUGE_PAGE_BYTES, 3 * HUGE_PAGE_BYTES + 17]) {
      const memory = largeMemory(bytes);
      assert.equal(memory.byteLength, bytes);
      const view = new Uint8Array(memory);
      view.fill(0xa5);
      assert.equal(view[0], 0xa5);
      assert.equal(view[bytes - 1], 0xa5);
    }
  });

  test('a large buffer is in huge pages once written, where the kernel offers them', { skip: !onLinux || thpMode() === 'never' }, () => {
    const before = anonHugeKiB();
    const memory = largeMemory(4 * HUGE_PAGE_BYTES);
    new Uint8Array(memory).fill(1);
    const gained = anonHugeKiB() - before;
    assert.ok(gained >= 2048, `AnonHugePages grew by ${gained} KiB after writing 8 MiB`);
  });

  test('an arena is in huge pages only when asked (the check can fail)', { skip: !onLinux || thpMode() !== 'madvise' }, () => {
    // With THP on "madvise", only memory marked for it gets huge pages: an ordinary arena gets none.
    let before = anonHugeKiB();
    const plain = new ByteArena(1 << 20, 8);
    plain.view.fill(1);
    assert.equal(anonHugeKiB() - before, 0, 'an ordinary arena');
    before = anonHugeKiB();
    const huge = new ByteArena(1 << 20, 8, { hugePages: true });
    huge.view.fill(1);
    assert.ok(anonHugeKiB() - before >= 2048, 'an arena asked for huge pages');
  });

  test('the hugePageMemory function refuses a size that is not one', { skip: !onLinux }, () => {
    const make = nativeAddon()!.hugePageMemory!;
    assert.throws(() => make(0), RangeError);
    assert.throws(() => make(-5), RangeError);
    assert.throws(() => make(Number.NaN), RangeError);
  });

  test('collected buffers give their mappings back: a loop of 64 MiB buffers stays small', { skip: !onLinux }, () => {
    // A child with --expose-gc makes and drops 40 buffers of 64 MiB (2.5 GiB in all), writing each.
    // Node-API runs the finalizer that unmaps one on a later turn of the event loop, not in the
    // collection itself: the loop lets a turn pass after each collection.
    const module = fileURLToPath(new URL('../../../src/common/large-memory.js', import.meta.url));
    const script = `
      const { largeMemory } = await import(${JSON.stringify(module)});
      for (let i = 0; i < 40; i++) { new Uint8Array(largeMemory(64 << 20)).fill(i); if (i % 4 === 3) { globalThis.gc(); await new Promise((r) => setImmediate(r)); } }
      globalThis.gc();
      await new Promise((r) => setImmediate(r));
      const rss = Number(/VmRSS:\\s+(\\d+)/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'))[1]);
      process.stdout.write(String(rss));`;
    const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const rssKiB = Number(child.stdout);
    assert.ok(rssKiB > 0 && rssKiB < 512 * 1024, `RSS ${rssKiB} KiB after 2.5 GiB made and dropped`);
  });

  test('a pool with hugePages and an arena hand out working buffers over large memory', () => {
    const pool = new BufferPool({ maxFree: 1, hugePages: true });
    const a = pool.take(3 << 20);
    assert.equal(a.length, 3 << 20);
    assert.equal(a.buffer.byteLength, 4 << 20, 'a power-of-two capacity');
    a.fill(7);
    pool.give(a);
    assert.equal(pool.take(4 << 20).buffer, a.buffer, 'reused');
    const arena = new ByteArena(1 << 20, 7, { hugePages: true });
    const slots = Array.from({ length: 7 }, () => arena.take()!);
    slots.forEach((s, i) => s.fill(i));
    slots.forEach((s, i) => assert.ok(s.every((b) => b === i), `slot ${i} kept its bytes`));
    assert.equal(arena.take(), null);
  });
});
