// SegmentReader: a read-only walk over the batches of one segment file, for `spool verify` and
// `spool dump`. Unlike recovery's scanSegmentFile it does not stop at the first bad batch: a batch
// whose length field is sane but whose CRC or contents are not is handed out with its defect and
// stepped over, since its length still says where the next batch starts. It stops only where no
// next batch can be found: fewer bytes left than a batch header, a length field no batch can have,
// a magic byte other than 2 (the length is then no better than noise), or a batch that runs past
// the end of the file.
//
// Reads never go past the size the file had at open, so a segment that a running broker appends
// to is read up to a fixed point; `grown` on a stop says the file has grown past it since (the
// batch there was still being written), which is not damage.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import {
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_OFFSET,
  batchDefect,
  readBatchHeader,
  computeBatchCrc,
  type BatchHeader,
} from '../../records/record-batch.js';
import { MAX_BATCH_BYTES } from '../segment-scanner.js';

const WINDOW_BYTES = 1 << 20;
const GROWTH_LOOKS = 4;
const GROWTH_LOOK_INTERVAL_MS = 5;
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

export interface SegmentBatch {
  /** Byte position of the batch in the file. */
  position: number;
  /** Bytes of the whole batch, from its length field (12 + batchLength). */
  sizeBytes: number;
  header: BatchHeader;
  /** baseOffset + lastOffsetDelta. */
  lastOffset: number;
  /** The stored CRC-32C matches the bytes it covers. */
  crcValid: boolean;
  /** Why the batch is not well formed (length, magic, CRC, count), or null when it is. */
  defect: string | null;
  /** The batch's bytes: valid only until the next batch is read. */
  bytes: Buffer;
}

export interface SegmentStop {
  /** Where the unreadable bytes start. */
  position: number;
  /** The base offset field there, when at least its 8 bytes are in the file. */
  baseOffset: number | null;
  reason: string;
  /**
   * The bytes at `position` were cut short by the end of the file as it was at open, and the
   * file is larger now: a batch being appended, not a torn one.
   */
  grown: boolean;
}

export class SegmentReader {
  readonly path: string;
  /** The file's size when it was opened; nothing past it is read. */
  readonly sizeBytes: number;
  /** Why the walk ended before `sizeBytes`, once batches() has ended; null if it reached it. */
  stop: SegmentStop | null = null;
  #fd: number | null;
  #window: Buffer = Buffer.alloc(0);
  #windowStart = 0;
  #windowLength = 0;

  private constructor(path: string, fd: number, sizeBytes: number) {
    this.path = path;
    this.#fd = fd;
    this.sizeBytes = sizeBytes;
  }

  /** Open `path` read-only. Throws the fs error (ENOENT, EISDIR ...) as it comes. */
  static open(path: string): SegmentReader {
    const fd = openSync(path, 'r');
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), { code: 'EISDIR' });
      return new SegmentReader(path, fd, stat.size);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** The file's size now (it may have grown since it was opened); -1 when it is gone. */
  currentSizeBytes(): number {
    try {
      return statSync(this.path).size;
    } catch {
      return -1;
    }
  }

  /** Every batch from position 0 on, good or not, until the end of the file or a stop. */
  *batches(): Generator<SegmentBatch> {
    this.stop = null;
    let position = 0;
    while (position < this.sizeBytes) {
      const remaining = this.sizeBytes - position;
      if (remaining < LOG_OVERHEAD) {
        this.#stopAt(position, null, `${remaining} trailing bytes are too few for a batch header`, true);
        return;
      }
      let at = this.#ensure(position, Math.min(remaining, BATCH_HEADER_SIZE));
      // Rounded rather than refused when damage put it out of range (checked with isSafeInteger).
      const baseOffset = Number(this.#window.readBigInt64BE(at));
      const batchLength = this.#window.readInt32BE(at + BATCH_LENGTH_OFFSET);
      const size = LOG_OVERHEAD + batchLength;
      if (size < BATCH_HEADER_SIZE || size > MAX_BATCH_BYTES) {
        // A length field cut short by the end of the file cannot be judged yet.
        const shortHeader = remaining < BATCH_HEADER_SIZE;
        const reason = shortHeader
          ? `${remaining} trailing bytes are too few for a batch header`
          : `batch length field ${batchLength} is impossible; the rest of the file cannot be read`;
        this.#stopAt(position, baseOffset, reason, shortHeader);
        return;
      }
      if (size > remaining) {
        this.#stopAt(position, baseOffset, `batch of ${size} bytes runs past the end of the file (${remaining} bytes left)`, true);
        return;
      }
      at = this.#ensure(position, size);
      const magic = this.#window.readInt8(at + MAGIC_OFFSET);
      if (magic !== MAGIC) {
        this.#stopAt(position, baseOffset, `magic byte is ${magic}, not 2 (RecordBatch v2); the rest of the file cannot be read`, false);
        return;
      }
      const header = readBatchHeader(this.#window, at, true);
      const crcValid = header.crc === computeBatchCrc(this.#window, at, size);
      yield {
        position,
        sizeBytes: size,
        header,
        lastOffset: header.baseOffset + header.lastOffsetDelta,
        crcValid,
        defect: batchDefect(this.#window, at, size),
        bytes: this.#window.subarray(at, at + size),
      };
      position += size;
    }
  }

  close(): void {
    if (this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
  }

  #stopAt(position: number, baseOffset: number | null, reason: string, cutShort: boolean): void {
    this.stop = { position, baseOffset, reason, grown: cutShort && this.#hasGrown() };
  }

  /**
   * Whether the file is larger than at open. A write in progress shows its pages one by one, so
   * the size is looked at a few times over a few milliseconds before a cut-short batch is called torn.
   */
  #hasGrown(): boolean {
    for (let look = 0; look < GROWTH_LOOKS; look++) {
      if (this.currentSizeBytes() > this.sizeBytes) return true;
      if (look < GROWTH_LOOKS - 1) Atomics.wait(SLEEPER, 0, 0, GROWTH_LOOK_INTERVAL_MS);
    }
    return false;
  }

  /** Make bytes [position, position + length) present in the window; returns their index there. */
  #ensure(position: number, length: number): number {
    if (position >= this.#windowStart && position + length <= this.#windowStart + this.#windowLength) {
      return position - this.#windowStart;
    }
    if (this.#fd === null) throw new Error(`${this.path} is closed`);
    const want = Math.min(Math.max(WINDOW_BYTES, length), this.sizeBytes - position);
    if (this.#window.length < want) this.#window = Buffer.allocUnsafe(Math.max(want, WINDOW_BYTES));
    let filled = 0;
    while (filled < want) {
      const n = readSync(this.#fd, this.#window, filled, want - filled, position + filled);
      if (n === 0) break;
      filled += n;
    }
    if (filled < length) {
      // The file shrank under us (truncated by recovery or a rollback): what is gone is gone.
      this.#window.fill(0, filled, length);
    }
    this.#windowStart = position;
    this.#windowLength = Math.max(filled, length);
    return 0;
  }
}


