// The check of one partition's time_index rows, fed batch by batch in offset order. A row at
// offset O says "every record before O has timestamp <= T" (-1: there is none), and
// offsetForTimestamp relies on it: a T below the true maximum could make a search for a time skip
// records, so that is always a problem. A T above it only makes searches start earlier; it is a
// problem too when nothing before the partition's first segment can have been deleted or
// compacted away (first segment at base offset 0, no compaction), because only then is the
// maximum of the records still on disk the exact answer.
import type { TimeIndexEntry } from '../offset-index.js';

export type ReportProblem = (segment: string | null, position: number | null, offset: number | null, problem: string) => void;

export class TimeRowCheck {
  readonly #rows: readonly TimeIndexEntry[];
  readonly #exact: boolean;
  readonly #report: ReportProblem;
  #next = 0;

  /** `rows` by offset; those below `firstBaseOffset` are reported here, as one problem. */
  constructor(rows: readonly TimeIndexEntry[], firstBaseOffset: number, exact: boolean, firstSegment: string | null, report: ReportProblem) {
    this.#rows = rows;
    this.#exact = exact;
    this.#report = report;
    while (this.#next < rows.length && rows[this.#next]!.offset < firstBaseOffset) this.#next++;
    if (this.#next > 0) {
      const first = rows[0]!.offset;
      report(
        firstSegment,
        null,
        first,
        `${countOf(this.#next, 'time index row')} (offsets ${first}..${rows[this.#next - 1]!.offset}) lie below the first segment's base offset ${firstBaseOffset}`,
      );
    }
  }

  /**
   * Check the rows up to the batch [baseOffset, lastOffset] at `position` of `segment`.
   * `maxBefore` is the largest record timestamp of every batch before it (-1 when none).
   */
  atBatch(segment: string, position: number, baseOffset: number, lastOffset: number, maxBefore: number): void {
    const rows = this.#rows;
    while (this.#next < rows.length && rows[this.#next]!.offset <= lastOffset) {
      const row = rows[this.#next++]!;
      if (row.offset > baseOffset) {
        this.#report(segment, position, row.offset, `time index row for offset ${row.offset} falls inside the batch ${baseOffset}..${lastOffset}, not at its start`);
      } else {
        // At the batch start or in a gap before it (compaction): the same records come before.
        this.#checkValue(segment, position, row, maxBefore);
      }
    }
  }

  /** Rows left after the last batch: past the log end offset. */
  finish(lastSegment: string | null, logEndOffset: number): void {
    const rows = this.#rows;
    for (; this.#next < rows.length; this.#next++) {
      const row = rows[this.#next]!;
      this.#report(lastSegment, null, row.offset, `time index row for offset ${row.offset} lies at or past the log end offset ${logEndOffset}`);
    }
  }

  #checkValue(segment: string, position: number, row: TimeIndexEntry, maxBefore: number): void {
    if (row.timestamp < maxBefore) {
      this.#report(
        segment,
        position,
        row.offset,
        `time index row for offset ${row.offset} has timestamp ${row.timestamp}, below the largest timestamp before it (${maxBefore})`,
      );
    } else if (this.#exact && row.timestamp !== maxBefore) {
      const truth = maxBefore < 0 ? 'no record comes before it (expected -1)' : `the largest timestamp before it is ${maxBefore}`;
      this.#report(segment, position, row.offset, `time index row for offset ${row.offset} has timestamp ${row.timestamp}, but ${truth}`);
    }
  }
}

export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
