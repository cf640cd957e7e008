// What `spool verify` finds: one VerifyProblem per thing wrong, located by topic, partition,
// segment file, byte position and offset, and the counts of what was read.

export interface VerifyProblem {
  topic: string;
  partition: number;
  /** Path of the segment file the problem is in or about; null for one about the whole partition. */
  segment: string | null;
  /** Byte position in `segment`; null when the problem has no one place in the file. */
  position: number | null;
  /** The offset concerned (a batch's base offset, an index row's offset); null when unknown. */
  offset: number | null;
  problem: string;
}

export interface VerifyCounts {
  segments: number;
  batches: number;
  /** Records of the well-formed batches, by their recordCount. */
  records: number;
}

export interface VerifyReport extends VerifyCounts {
  topics: number;
  partitions: number;
  problems: VerifyProblem[];
}
