// Which segment files make up a partition: the `<20-digit base offset>.log` files of its
// directory, in offset order (other files, such as a compaction's temporary copy, are not
// segments). Shared by verify and dump.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpoolError } from '../../common/errors.js';
import { parseSegmentFileName, partitionDir } from '../file-names.js';
import { IndexReader } from './index-reader.js';

export interface SegmentFile {
  baseOffset: number;
  path: string;
}

/** The segment files in `dir` by base offset; empty when the directory does not exist. */
export function listSegmentFiles(dir: string): SegmentFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files: SegmentFile[] = [];
  for (const name of names) {
    const baseOffset = parseSegmentFileName(name);
    if (baseOffset !== null) files.push({ baseOffset, path: join(dir, name) });
  }
  return files.sort((a, b) => a.baseOffset - b.baseOffset);
}

export interface PartitionSegments {
  topic: string;
  partition: number;
  files: SegmentFile[];
}

/**
 * The segment files of `topic` (of its partition `partition`, or of every partition in order
 * when null), checked against index.db: a topic or partition it does not know is an error.
 */
export function topicSegmentFiles(dataDir: string, topic: string, partition: number | null): PartitionSegments[] {
  const reader = IndexReader.open(dataDir);
  try {
    const info = reader.topic(topic);
    if (info === undefined) throw new SpoolError(`topic "${topic}" does not exist`);
    const partitions = reader.partitions(info.id);
    const chosen = partition === null ? partitions : partitions.filter((p) => p.partition === partition);
    if (chosen.length === 0) {
      throw new SpoolError(`topic "${topic}" has no partition ${partition} (it has ${partitions.length}: 0 to ${partitions.length - 1})`);
    }
    return chosen.map((p) => ({
      topic,
      partition: p.partition,
      files: listSegmentFiles(partitionDir(dataDir, topic, p.partition)),
    }));
  } finally {
    reader.close();
  }
}
