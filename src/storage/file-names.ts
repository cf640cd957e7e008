// Names on disk, in one place (SPEC §6):
//
//   <data>/index.db                                 SQLite catalog and index (WAL)
//   <data>/broker.lock                              pid of the broker that owns the data dir
//   <data>/broker.json                              {"pid":N,"socket":PATH} of that broker
//   <data>/broker.log                               the background broker's own log
//   <data>/topics/<topic>/<partition>/<base>.log    segment files; <base> is the 20-digit zero-
//                                                   padded offset of the segment's first batch,
//                                                   so `ls` lists them in offset order
//   <data>/topics/<topic>/<partition>/<base>.log.cleaned
//                                                   a compacted copy being written; renamed over
//                                                   <base>.log when complete, deleted at start-up
//                                                   if a crash left it behind
//   <data>/topics/<topic>/<partition>/<offset>.snapshot
//                                                   the partition's idempotent-producer state as
//                                                   of <offset> (producer-snapshot.ts); the
//                                                   newest two are kept
import { join } from 'node:path';

export const INDEX_DB_FILE = 'index.db';
export const LOCK_FILE = 'broker.lock';
export const LOCK_OWNER_FILE = 'broker.json';
export const BROKER_LOG_FILE = 'broker.log';
export const TOPICS_DIR = 'topics';
/** Where a deleted topic's directory goes until its files are removed off the event loop. */
export const TRASH_DIR = 'trash';
export const SEGMENT_SUFFIX = '.log';
export const CLEANED_SUFFIX = '.log.cleaned';
export const SNAPSHOT_SUFFIX = '.snapshot';

const SEGMENT_NAME = /^(\d{20})\.log$/;
const SNAPSHOT_NAME = /^(\d{20})\.snapshot$/;

export function topicDir(dataDir: string, topic: string): string {
  return join(dataDir, TOPICS_DIR, topic);
}

export function partitionDir(dataDir: string, topic: string, partition: number): string {
  return join(dataDir, TOPICS_DIR, topic, String(partition));
}

export function segmentFileName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0') + SEGMENT_SUFFIX;
}

/** The base offset a segment file name stands for, or null for any other file. */
export function parseSegmentFileName(name: string): number | null {
  const match = SEGMENT_NAME.exec(name);
  if (match === null) return null;
  const offset = Number(match[1]);
  return Number.isSafeInteger(offset) ? offset : null;
}

export function snapshotFileName(offset: number): string {
  return String(offset).padStart(20, '0') + SNAPSHOT_SUFFIX;
}

/** The offset a producer-state snapshot file name stands for, or null for any other file. */
export function parseSnapshotFileName(name: string): number | null {
  const match = SNAPSHOT_NAME.exec(name);
  if (match === null) return null;
  const offset = Number(match[1]);
  return Number.isSafeInteger(offset) ? offset : null;
}
