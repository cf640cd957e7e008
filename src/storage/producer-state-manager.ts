// ProducerStateManager: a partition's idempotent-producer state (producer-state.ts), derived
// from its log and kept in memory. It is built lazily, on the first idempotent batch the
// partition sees after the broker starts, so start-up reads no log: from the newest snapshot at
// or below the log end (producer-snapshot.ts), then the batch headers of every segment after
// that snapshot's offset. Without a snapshot, the headers of every segment written to within the
// expiration (file modification time, a bound on when its batches were appended; older segments
// only hold producers that would be forgotten anyway). Snapshots are written at each segment roll
// and at a clean close while the state is in memory, so a rebuild reads about one segment.
//
// Single-threaded like PartitionLog, which owns one and calls it from its event-loop methods.
import { statSync } from 'node:fs';
import { StorageWriteError, errorMessage } from '../common/errors.js';
import { readBatchProducerFields } from '../records/producer-sequence.js';
import { readBaseOffset, readMaxTimestamp } from '../records/record-batch.js';
import { walkBatchHeaders } from './batch-header-walk.js';
import { PRODUCER_EXPIRATION_MS, ProducerStateTable, type ProducerStateLimits } from './producer-state.js';
import { readNewestSnapshot, writeProducerSnapshot } from './producer-snapshot.js';

/** The log as the rebuild reads it. */
export interface ProducerStateSource {
  readonly nextOffset: number;
  segments(): ReadonlyArray<{ path: string; nextOffset: number; sizeBytes: number }>;
}

/** What the last rebuild read. */
export interface ProducerStateLoad {
  /** Offset of the snapshot it started from, or null when it read headers only. */
  snapshotOffset: number | null;
  segmentsRead: number;
  batchesRead: number;
}

export class ProducerStateManager {
  readonly #dir: string;
  readonly #source: ProducerStateSource;
  readonly #now: () => number;
  readonly #limits: Partial<ProducerStateLimits>;
  #table: ProducerStateTable | null = null;
  #lastLoad: ProducerStateLoad | null = null;

  constructor(dir: string, source: ProducerStateSource, now: () => number, limits: Partial<ProducerStateLimits> = {}) {
    this.#dir = dir;
    this.#source = source;
    this.#now = now;
    this.#limits = limits;
  }

  get loaded(): boolean {
    return this.#table !== null;
  }

  get lastLoad(): ProducerStateLoad | null {
    return this.#lastLoad;
  }

  /** The state, rebuilt from disk on first use. Throws StorageWriteError when the log cannot be read. */
  table(): ProducerStateTable {
    if (this.#table === null) {
      try {
        this.#table = this.#load();
      } catch (err) {
        throw new StorageWriteError(`cannot rebuild the producer state of ${this.#dir}: ${errorMessage(err)}`, { cause: err });
      }
    }
    return this.#table;
  }

  /**
   * Save the state as of `offset` (the log end) if it is in memory. Failure only costs a longer
   * rebuild, so it is returned for the caller to log, never thrown into an append.
   */
  snapshot(offset: number): Error | null {
    if (this.#table === null) return null;
    try {
      this.#table.evict(this.#now());
      writeProducerSnapshot(this.#dir, offset, this.#table.entries());
      return null;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  #load(): ProducerStateTable {
    const now = this.#now();
    const table = new ProducerStateTable(this.#limits);
    const expirationMs = this.#limits.expirationMs ?? PRODUCER_EXPIRATION_MS;
    const snapshot = readNewestSnapshot(this.#dir, this.#source.nextOffset);
    if (snapshot !== null) for (const entry of snapshot.entries) table.restore(entry);
    const from = snapshot?.offset ?? 0;
    const load: ProducerStateLoad = { snapshotOffset: snapshot?.offset ?? null, segmentsRead: 0, batchesRead: 0 };
    for (const segment of this.#source.segments()) {
      if (segment.nextOffset <= from || segment.sizeBytes === 0) continue;
      const appendedMs = statSync(segment.path).mtimeMs;
      if (now - appendedMs >= expirationMs) continue;
      load.segmentsRead++;
      load.batchesRead += walkBatchHeaders(segment.path, segment.sizeBytes, (chunk, at) => {
        const baseOffset = readBaseOffset(chunk, at);
        if (baseOffset < from) return;
        const fields = readBatchProducerFields(chunk, at);
        if (fields.producerId < 0) return;
        table.recordAppend(fields, baseOffset, baseOffset + fields.lastOffsetDelta, readMaxTimestamp(chunk, at), Math.floor(appendedMs));
      });
    }
    table.evict(now);
    this.#lastLoad = load;
    return table;
  }
}
