// Where a read loop hands fetched records: stdout for the CLI (cli/consume/record-writer.ts), the
// loop of a program for the library (lib/record-channel.ts). The loops in this folder fetch,
// hand each partition's data over and wait for the sink to take it, so a sink that takes nothing
// stops the fetching: memory stays bounded by one fetch being handed over and one in flight.
import type { FetchedPartition } from '../consumer.js';

/** What the sink learned from one partition's data. */
export interface PartitionProgress {
  /** Offset after the last record consumed (handed over or filtered out). */
  nextOffset: number;
  /** The partition reached a stop condition (an --until time, a stop offset) at this offset. */
  stoppedAt: number | null;
}

export interface RecordSink {
  /** Take the records of one partition's fetched data; resolves when more may be handed over. */
  writePartition(data: FetchedPartition): Promise<PartitionProgress>;
  /** Resolves once everything taken so far has reached the reader. */
  flush(): Promise<void>;
  /** Wait until the reader has everything (before the loop ends). */
  finish(): Promise<void>;
  /** True once the reader wants no more records: the loop stops. */
  readonly done: boolean;
  /**
   * True when, after flush(), nothing refers to the fetched data any more, so its memory may be
   * reused for the next fetch; false when the reader keeps views into it (records it holds).
   */
  readonly releasesFetched: boolean;
}
