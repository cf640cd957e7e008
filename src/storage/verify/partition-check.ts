// The check of one partition: its segment files against themselves and against a snapshot of
// its index rows, read before the files (so a broker appending meanwhile only adds bytes that no
// row of the snapshot can point at). For each segment, in offset order:
//   - every batch: length, magic, CRC-32C, count (batchDefect); base offsets going forward, not
//     below the file's base offset, and ending before the next segment's base offset; in the
//     active (last) segment of a topic that is not compacted, each batch following on from the
//     one before;
//   - offset_index rows: each points at a batch start inside its segment file, whose base offset
//     is the row's offset;
//   - time_index rows (TimeRowCheck);
//   - the segments row of a closed segment: size and next offset as in the file, max timestamp
//     not below the records';
// and for the partition, log start offset within [first segment base offset, log end offset].
// The active segment is read up to its size at open; its last batch cut short by that size is not
// a problem when the file has grown since (a running broker was appending it).
import { join } from 'node:path';
import { partitionDir, segmentFileName } from '../file-names.js';
import type { SegmentRow } from '../offset-index.js';
import type { OffsetIndexRow, PartitionInfo, PartitionSnapshot, TopicInfo } from '../inspect/index-reader.js';
import { listSegmentFiles, type SegmentFile } from '../inspect/segment-files.js';
import { SegmentReader, type SegmentBatch } from '../inspect/segment-reader.js';
import { TimeRowCheck, countOf } from './time-row-check.js';
import type { VerifyCounts, VerifyProblem } from './verify-report.js';

export interface PartitionCheckResult extends VerifyCounts {
  problems: VerifyProblem[];
  /** A segment file went away between listing and reading (the broker deleted it meanwhile). */
  vanished: boolean;
}

export function checkPartition(dataDir: string, topic: TopicInfo, partition: PartitionInfo, snapshot: PartitionSnapshot): PartitionCheckResult {
  const dir = partitionDir(dataDir, topic.name, partition.partition);
  return new PartitionCheck(topic, partition.partition, snapshot, dir, listSegmentFiles(dir)).run();
}

/** Where one segment's scan ended up. */
interface SegmentOutcome {
  /** Offset after its last readable batch (its base offset when it has none). */
  nextOffset: number;
  /** Something in it was wrong, so its computed next offset and max timestamp are not to be trusted. */
  damaged: boolean;
  sizeBytes: number;
}

class PartitionCheck {
  readonly #topic: TopicInfo;
  readonly #partition: number;
  readonly #snapshot: PartitionSnapshot;
  readonly #dir: string;
  readonly #files: SegmentFile[];
  readonly #rowsBySegment = new Map<number, OffsetIndexRow[]>();
  readonly #segmentRows: Map<number, SegmentRow>;
  readonly #time: TimeRowCheck;
  readonly #result: PartitionCheckResult = { problems: [], segments: 0, batches: 0, records: 0, vanished: false };
  /** Largest record timestamp of the batches read so far, over all segments; -1 before any. */
  #maxTimestamp = -1;

  constructor(topic: TopicInfo, partition: number, snapshot: PartitionSnapshot, dir: string, files: SegmentFile[]) {
    this.#topic = topic;
    this.#partition = partition;
    this.#snapshot = snapshot;
    this.#dir = dir;
    this.#files = files;
    for (const row of snapshot.offsetRows) {
      const rows = this.#rowsBySegment.get(row.segmentBase);
      if (rows === undefined) this.#rowsBySegment.set(row.segmentBase, [row]);
      else rows.push(row);
    }
    for (const rows of this.#rowsBySegment.values()) rows.sort((a, b) => a.position - b.position);
    this.#segmentRows = new Map(snapshot.segments.map((row) => [row.baseOffset, row]));
    const first = files[0];
    const exact = first?.baseOffset === 0 && !topic.compacted;
    this.#time = new TimeRowCheck(snapshot.timeRows, first?.baseOffset ?? 0, exact, first?.path ?? null, this.#report);
  }

  run(): PartitionCheckResult {
    if (this.#files.length === 0) {
      this.#report(null, null, null, `no segment files in ${this.#dir}`);
      return this.#result;
    }
    this.#checkRowsWithoutFiles();
    let logEndOffset = this.#files[0]!.baseOffset;
    this.#files.forEach((file, i) => {
      const next = this.#files[i + 1];
      const outcome = this.#checkSegment(file, next?.baseOffset ?? Number.MAX_SAFE_INTEGER, next === undefined);
      if (outcome === null) return;
      if (next !== undefined) this.#checkSegmentRow(file, outcome, next.baseOffset);
      logEndOffset = outcome.nextOffset;
    });
    this.#time.finish(this.#files[this.#files.length - 1]!.path, logEndOffset);
    this.#checkLogStart(logEndOffset);
    return this.#result;
  }

  readonly #report = (segment: string | null, position: number | null, offset: number | null, problem: string): void => {
    this.#result.problems.push({ topic: this.#topic.name, partition: this.#partition, segment, position, offset, problem });
  };

  /** Index and segments rows that name a segment file the directory does not hold. */
  #checkRowsWithoutFiles(): void {
    const bases = new Set(this.#files.map((f) => f.baseOffset));
    for (const [base, rows] of this.#rowsBySegment) {
      if (bases.has(base)) continue;
      const offsets = rows.map((r) => r.offset).sort((a, b) => a - b);
      this.#report(
        this.#pathOf(base),
        null,
        offsets[0]!,
        `${countOf(rows.length, 'offset index row')} (offsets ${offsets[0]}..${offsets[offsets.length - 1]}) point into this segment file, which does not exist`,
      );
    }
    for (const row of this.#snapshot.segments) {
      if (!bases.has(row.baseOffset)) this.#report(this.#pathOf(row.baseOffset), null, row.baseOffset, 'the segments row names this segment file, which does not exist');
    }
  }

  /** Read one segment; null when its file went away before it could be opened. */
  #checkSegment(file: SegmentFile, endOffset: number, isActive: boolean): SegmentOutcome | null {
    let reader: SegmentReader;
    try {
      reader = SegmentReader.open(file.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#result.vanished = true;
      return null;
    }
    try {
      this.#result.segments++;
      const rows = this.#rowsBySegment.get(file.baseOffset) ?? [];
      const walk = new SegmentWalk(file, endOffset, isActive && !this.#topic.compacted);
      let row = 0;
      for (const batch of reader.batches()) {
        this.#result.batches++;
        const { baseOffset } = batch.header;
        const at = (problem: string): void => this.#report(file.path, batch.position, Number.isSafeInteger(baseOffset) ? baseOffset : null, problem);
        if (batch.defect === null) this.#result.records += batch.header.recordCount;
        else at(batch.defect);
        const orderProblem = walk.orderProblem(batch);
        // A batch that fails its CRC has said what is wrong with it; its offsets add nothing.
        if (orderProblem !== null && batch.defect === null) at(orderProblem);
        row = this.#checkOffsetRows(file, rows, row, batch);
        if (orderProblem !== null) continue;
        this.#time.atBatch(file.path, batch.position, baseOffset, batch.lastOffset, this.#maxTimestamp);
        this.#maxTimestamp = Math.max(this.#maxTimestamp, batch.header.maxTimestamp);
      }
      const stop = reader.stop;
      if (stop !== null && !(isActive && stop.grown)) {
        walk.damaged = true;
        this.#report(file.path, stop.position, stop.baseOffset !== null && Number.isSafeInteger(stop.baseOffset) ? stop.baseOffset : null, stop.reason);
      }
      this.#checkRowsPastBatches(file, rows.slice(row), stop?.position ?? reader.sizeBytes, reader.sizeBytes);
      return { nextOffset: walk.nextOffset, damaged: walk.damaged, sizeBytes: reader.sizeBytes };
    } finally {
      reader.close();
    }
  }

  /** Rows of this segment before `batch` or at it; returns the index of the first row after it. */
  #checkOffsetRows(file: SegmentFile, rows: readonly OffsetIndexRow[], from: number, batch: SegmentBatch): number {
    let i = from;
    for (; i < rows.length && rows[i]!.position < batch.position; i++) {
      const row = rows[i]!;
      this.#report(file.path, row.position, row.offset, `offset index row for offset ${row.offset} points at position ${row.position}, which is not the start of a batch`);
    }
    const row = rows[i];
    if (row === undefined || row.position !== batch.position) return i;
    if (row.offset !== batch.header.baseOffset) {
      this.#report(
        file.path,
        row.position,
        row.offset,
        `offset index row for offset ${row.offset} points at position ${row.position}, where the batch has base offset ${batch.header.baseOffset}`,
      );
    }
    return i + 1;
  }

  /** Rows at or after `readEnd`, where no batch was read. */
  #checkRowsPastBatches(file: SegmentFile, rows: readonly OffsetIndexRow[], readEnd: number, sizeBytes: number): void {
    for (const row of rows) {
      const where =
        row.position < readEnd
          ? 'which is not the start of a batch'
          : row.position >= sizeBytes
            ? `past the end of the file (${sizeBytes} bytes)`
            : `into bytes after position ${readEnd} that cannot be read as batches`;
      this.#report(file.path, row.position, row.offset, `offset index row for offset ${row.offset} points at position ${row.position}, ${where}`);
    }
  }

  /** The segments row of a closed segment against its file. */
  #checkSegmentRow(file: SegmentFile, outcome: SegmentOutcome, nextBaseOffset: number): void {
    const row = this.#segmentRows.get(file.baseOffset);
    if (row === undefined) return; // Not written yet, or lost: recovery rescans such a segment.
    const say = (problem: string): void => this.#report(file.path, null, file.baseOffset, problem);
    if (row.sizeBytes !== null && row.sizeBytes !== outcome.sizeBytes) {
      say(`the segments row says the file holds ${row.sizeBytes} bytes, it holds ${outcome.sizeBytes}`);
    }
    if (outcome.damaged) return;
    if (row.nextOffset !== null) {
      // Compaction keeps a segment's next offset when it drops the records at its end.
      const fits = this.#topic.compacted
        ? row.nextOffset >= outcome.nextOffset && row.nextOffset <= nextBaseOffset
        : row.nextOffset === outcome.nextOffset;
      if (!fits) say(`the segments row says the next offset is ${row.nextOffset}, the batches in the file end before ${outcome.nextOffset}`);
    }
    if (row.maxTimestamp !== null && row.maxTimestamp < this.#maxTimestamp) {
      say(`the segments row says the largest timestamp so far is ${row.maxTimestamp}, but a record has ${this.#maxTimestamp}`);
    }
  }

  #checkLogStart(logEndOffset: number): void {
    const logStart = this.#snapshot.logStartOffset;
    const firstBase = this.#files[0]!.baseOffset;
    if (logStart > logEndOffset) {
      this.#report(null, null, logStart, `log start offset ${logStart} is past the log end offset ${logEndOffset}`);
    } else if (logStart < firstBase) {
      this.#report(
        this.#files[0]!.path,
        null,
        logStart,
        `log start offset ${logStart} is below the first segment's base offset ${firstBase}: offsets ${logStart}..${firstBase - 1} are missing`,
      );
    }
  }

  #pathOf(baseOffset: number): string {
    return join(this.#dir, segmentFileName(baseOffset));
  }
}

/** The offset order of the batches of one segment. */
class SegmentWalk {
  readonly #file: SegmentFile;
  readonly #endOffset: number;
  readonly #contiguous: boolean;
  /** The lowest base offset the next batch may have: after the last batch with sound offsets. */
  nextOffset: number;
  damaged = false;
  /** The batch before had unsound offsets: the next one need not follow on from `nextOffset`. */
  #resync = false;

  constructor(file: SegmentFile, endOffset: number, contiguous: boolean) {
    this.#file = file;
    this.#endOffset = endOffset;
    this.#contiguous = contiguous;
    this.nextOffset = file.baseOffset;
  }

  /** Why `batch` cannot be where it is, or null (then the walk moves past it). */
  orderProblem(batch: SegmentBatch): string | null {
    const problem = this.#problem(batch);
    if (problem !== null || batch.defect !== null) this.damaged = true;
    if (problem === null) this.nextOffset = batch.lastOffset + 1;
    this.#resync = problem !== null;
    return problem;
  }

  #problem(batch: SegmentBatch): string | null {
    const base = batch.header.baseOffset;
    const last = batch.lastOffset;
    if (!Number.isSafeInteger(base) || base < 0 || !Number.isSafeInteger(last) || last < base) {
      return `batch offsets ${base}..${last} are impossible`;
    }
    if (base < this.nextOffset) {
      return this.nextOffset === this.#file.baseOffset
        ? `batch base offset ${base} is below the segment's base offset ${this.#file.baseOffset}`
        : `batch base offset ${base} goes back before ${this.nextOffset} (the batch before ends at ${this.nextOffset - 1})`;
    }
    if (this.#contiguous && !this.#resync && base !== this.nextOffset) {
      return `batch base offset ${base} does not follow on from ${this.nextOffset} (offsets in the active segment are contiguous)`;
    }
    if (last >= this.#endOffset) {
      return `batch offsets ${base}..${last} reach the next segment's base offset ${this.#endOffset}`;
    }
    return null;
  }
}
