// Producer-state snapshots: `<offset>.snapshot` in a partition's directory holds its idempotent
// producers as of log offset <offset> (as Kafka's ProducerStateManager writes them), so that a
// restart rebuilds the state from the newest snapshot plus the batch headers after it instead of
// from a day of log. Written at each segment roll and at a clean close (only while the state is
// in memory), to a temporary name and renamed; the newest two are kept. A snapshot is only a
// shortcut: a missing, torn or corrupt one is skipped and the log headers are read instead.
//
// Layout (big-endian):
//   magic          4 bytes  "SPPS"
//   version        int16    1
//   crc            uint32   CRC-32C of every byte after this field
//   offset         int64    the log end offset the state is as of
//   producerCount  int32
//   producerCount times:
//     producerId   int64
//     epoch        int16
//     nextSeq      int32    the sequence its next batch must start with
//     lastAppendMs int64    broker clock of its last batch
//     batchCount   int8     at most 5, oldest first:
//       firstSeq int32, lastSeq int32, firstOffset int64, lastOffset int64, maxTimestamp int64
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../records/crc32c.js';
import { readInt64, writeInt64 } from '../records/int64.js';
import { parseSnapshotFileName, snapshotFileName } from './file-names.js';
import type { BatchMetadata, ProducerEntry } from './producer-state.js';

const MAGIC = Buffer.from('SPPS', 'latin1');
const VERSION = 1;
const CRC_AT = 6;
const BODY_AT = 10;
const HEADER_BYTES = BODY_AT + 8 + 4;
const PRODUCER_BYTES = 8 + 2 + 4 + 8 + 1;
const BATCH_BYTES = 4 + 4 + 8 + 8 + 8;
/** Snapshots kept per partition: the newest, and one before it in case the newest is damaged. */
const KEPT_SNAPSHOTS = 2;

export function encodeProducerSnapshot(offset: number, entries: Iterable<Readonly<ProducerEntry>>): Buffer {
  const list = [...entries];
  let size = HEADER_BYTES;
  for (const e of list) size += PRODUCER_BYTES + e.batches.length * BATCH_BYTES;
  const buf = Buffer.alloc(size);
  MAGIC.copy(buf, 0);
  buf.writeInt16BE(VERSION, 4);
  writeInt64(buf, BODY_AT, offset);
  buf.writeInt32BE(list.length, BODY_AT + 8);
  let pos = HEADER_BYTES;
  for (const e of list) {
    writeInt64(buf, pos, e.producerId);
    buf.writeInt16BE(e.epoch, pos + 8);
    buf.writeInt32BE(e.nextSeq, pos + 10);
    writeInt64(buf, pos + 14, e.lastAppendMs);
    buf.writeInt8(e.batches.length, pos + 22);
    pos += PRODUCER_BYTES;
    for (const b of e.batches) {
      buf.writeInt32BE(b.firstSeq, pos);
      buf.writeInt32BE(b.lastSeq, pos + 4);
      writeInt64(buf, pos + 8, b.firstOffset);
      writeInt64(buf, pos + 16, b.lastOffset);
      writeInt64(buf, pos + 24, b.maxTimestamp);
      pos += BATCH_BYTES;
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(BODY_AT)), CRC_AT);
  return buf;
}

export interface ProducerSnapshot {
  offset: number;
  entries: ProducerEntry[];
}

/** The snapshot in `buf`, or null when it is torn, corrupt or of another version. */
export function decodeProducerSnapshot(buf: Buffer): ProducerSnapshot | null {
  if (buf.length < HEADER_BYTES || !buf.subarray(0, 4).equals(MAGIC) || buf.readInt16BE(4) !== VERSION) return null;
  if (buf.readUInt32BE(CRC_AT) !== crc32c(buf.subarray(BODY_AT))) return null;
  try {
    const offset = readInt64(buf, BODY_AT);
    const count = buf.readInt32BE(BODY_AT + 8);
    const entries: ProducerEntry[] = [];
    let pos = HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      const batchCount = buf.readInt8(pos + 22);
      const entry: ProducerEntry = {
        producerId: readInt64(buf, pos),
        epoch: buf.readInt16BE(pos + 8),
        nextSeq: buf.readInt32BE(pos + 10),
        lastAppendMs: readInt64(buf, pos + 14),
        batches: [],
      };
      pos += PRODUCER_BYTES;
      for (let b = 0; b < batchCount; b++) {
        entry.batches.push(readBatch(buf, pos));
        pos += BATCH_BYTES;
      }
      entries.push(entry);
    }
    return pos === buf.length ? { offset, entries } : null;
  } catch {
    return null; // a count that runs past the end, or an int64 out of range: not a snapshot to trust
  }
}

function readBatch(buf: Buffer, pos: number): BatchMetadata {
  return {
    firstSeq: buf.readInt32BE(pos),
    lastSeq: buf.readInt32BE(pos + 4),
    firstOffset: readInt64(buf, pos + 8),
    lastOffset: readInt64(buf, pos + 16),
    maxTimestamp: readInt64(buf, pos + 24),
  };
}

/** Offsets of the snapshot files in `dir`, oldest first. */
export function snapshotOffsets(dir: string): number[] {
  return readdirSync(dir)
    .map(parseSnapshotFileName)
    .filter((o): o is number => o !== null)
    .sort((a, b) => a - b);
}

/**
 * Write the snapshot at `offset` (temporary name, then rename: a crash leaves the old file or
 * the new one) and delete all but the newest KEPT_SNAPSHOTS. No fsync: a snapshot lost to a
 * power cut only makes the next rebuild read more of the log.
 */
export function writeProducerSnapshot(dir: string, offset: number, entries: Iterable<Readonly<ProducerEntry>>): void {
  const path = join(dir, snapshotFileName(offset));
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, encodeProducerSnapshot(offset, entries), { mode: 0o600 });
  renameSync(temporary, path);
  const offsets = snapshotOffsets(dir);
  for (const old of offsets.slice(0, Math.max(0, offsets.length - KEPT_SNAPSHOTS))) rmSync(join(dir, snapshotFileName(old)), { force: true });
}

/** The newest readable snapshot at or below `maxOffset`, or null. */
export function readNewestSnapshot(dir: string, maxOffset: number): ProducerSnapshot | null {
  for (const offset of snapshotOffsets(dir).reverse()) {
    if (offset > maxOffset) continue;
    let snapshot: ProducerSnapshot | null = null;
    try {
      snapshot = decodeProducerSnapshot(readFileSync(join(dir, snapshotFileName(offset))));
    } catch {
      // Unreadable: try the one before.
    }
    if (snapshot !== null && snapshot.offset === offset) return snapshot;
  }
  return null;
}

/**
 * Delete snapshots above the log end, and temporary files a crash left. Runs when a partition
 * opens, after recovery may have cut the log's tail: a snapshot past the new end describes
 * batches that are gone, and once appends pass its offset again it would look valid.
 */
export function removeSnapshotsAfter(dir: string, logEndOffset: number, names: readonly string[] = readdirSync(dir)): void {
  for (const name of names) {
    const offset = parseSnapshotFileName(name);
    if (name.endsWith('.snapshot.tmp') || (offset !== null && offset > logEndOffset)) rmSync(join(dir, name), { force: true });
  }
}
