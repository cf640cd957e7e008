// `spool verify` as data: reads every batch of every segment of the chosen topics (all when none
// are named) and checks them and the index rows against each other (partition-check.ts). Works
// with the broker stopped or running; it only reads (IndexReader, SegmentReader).
//
// While a broker runs, retention, compaction, rolls and topic deletes change files and rows
// between the snapshot of a partition's rows and the reading of its files. When a partition shows
// problems and index.db changed during its check, the partition is checked again from a fresh
// snapshot, up to MAX_ATTEMPTS times, and only problems found every time are kept: a race goes
// away, damage stays.
import { SpoolError } from '../../common/errors.js';
import { IndexReader, type PartitionInfo, type TopicInfo } from '../inspect/index-reader.js';
import { checkPartition, type PartitionCheckResult } from './partition-check.js';
import type { VerifyProblem, VerifyReport } from './verify-report.js';

const MAX_ATTEMPTS = 4;

/**
 * Verify the topics `topicNames` (every topic when empty) of the data directory `dataDir`.
 * Throws a SpoolError for a missing data directory or index.db, or a topic that does not exist.
 */
export function verifyLog(dataDir: string, topicNames: readonly string[] = []): VerifyReport {
  const reader = IndexReader.open(dataDir);
  try {
    const report: VerifyReport = { topics: 0, partitions: 0, segments: 0, batches: 0, records: 0, problems: [] };
    for (const topic of chooseTopics(reader, topicNames)) {
      report.topics++;
      for (const partition of reader.partitions(topic.id)) {
        const result = verifyPartition(reader, dataDir, topic, partition);
        if (result === null) continue; // Deleted meanwhile.
        report.partitions++;
        report.segments += result.segments;
        report.batches += result.batches;
        report.records += result.records;
        report.problems.push(...result.problems);
      }
    }
    return report;
  } finally {
    reader.close();
  }
}

function chooseTopics(reader: IndexReader, names: readonly string[]): TopicInfo[] {
  const topics = reader.topics();
  if (names.length === 0) return topics;
  return [...new Set(names)].map((name) => {
    const topic = topics.find((t) => t.name === name);
    if (topic === undefined) throw new SpoolError(`topic "${name}" does not exist`);
    return topic;
  });
}

/**
 * Check one partition; null if it is gone. When index.db changed during a check that found
 * problems, check again: a problem that a broker's change explains (a segment compacted or
 * deleted between the snapshot and the read) shows up in one check only, damage in every one.
 * A check during which nothing changed is believed as it is.
 */
export function verifyPartition(reader: IndexReader, dataDir: string, topic: TopicInfo, partition: PartitionInfo): PartitionCheckResult | null {
  let persistent: Map<string, VerifyProblem> | null = null;
  for (let attempt = 1; ; attempt++) {
    const version = reader.dataVersion();
    const snapshot = reader.snapshot(partition.id);
    if (snapshot === null) return null;
    const result = checkPartition(dataDir, topic, partition, snapshot);
    const stable = reader.dataVersion() === version && !result.vanished;
    if (stable) return result;
    persistent = keepRecurring(persistent, result.problems);
    if (persistent.size === 0 || attempt === MAX_ATTEMPTS) return { ...result, problems: [...persistent.values()] };
  }
}

/** The problems of `found` that every earlier check found too (all of them after the first check). */
function keepRecurring(earlier: Map<string, VerifyProblem> | null, found: readonly VerifyProblem[]): Map<string, VerifyProblem> {
  const kept = new Map<string, VerifyProblem>();
  for (const problem of found) {
    const key = JSON.stringify([problem.segment, problem.position, problem.offset, problem.problem]);
    if (earlier === null || earlier.has(key)) kept.set(key, problem);
  }
  return kept;
}
