// FrameReader: cuts a socket's bytes into frames (size prefix included, see frame.ts) as they are
// read. Short frames are gathered in one reused head buffer and copied out; a frame larger than
// that goes into a buffer of its own size (from a pool when there is one). Two ways to feed it:
// - Node's `onread` option (client sockets): the socket reads into nextBuffer() and reports with
//   onRead(), so a large frame's bytes are copied by the kernel only, with no 64 KiB buffer per read;
// - push() of 'data' chunks (accepted sockets, which cannot take `onread`): each chunk is copied
//   in at once and never kept, so a chunk dies young instead of waiting in a list for the rest of
//   its frame (long enough to be promoted, and then freed only by a full collection).
// Frames are handed over in order, synchronously.
import { ProtocolError } from '../common/errors.js';
import type { BufferPool } from '../common/buffer-pool.js';
import { MAX_FRAME_BYTES, SIZE_BYTES } from './frame.js';

/** Frames up to this size are copied out of the head buffer; larger ones get their own. */
const DEFAULT_HEAD_BYTES = 64 * 1024;

export interface FrameReaderOptions {
  maxFrameBytes?: number;
  /** Size of the head buffer: the largest frame copied out of it rather than given its own. */
  headBytes?: number;
  /** Where a large frame's buffer comes from (and may be given back to by whoever is done with it). */
  pool?: BufferPool;
  /**
   * Give a large frame's buffer back to the pool as soon as onFrame returns: only for a caller
   * done with each frame by then (the broker, whose handlers decode or append synchronously).
   */
  releaseAfterHandling?: boolean;
}

export class FrameReader {
  readonly #onFrame: (frame: Buffer) => void;
  readonly #maxFrameBytes: number;
  readonly #pool: BufferPool | null;
  readonly #release: boolean;
  readonly #head: Buffer;
  /** Bytes at the start of #head not yet part of a handed-over frame. */
  #headFill = 0;
  /** The large frame being read into, and how much of it is filled. */
  #frame: Buffer | null = null;
  #frameFill = 0;

  constructor(onFrame: (frame: Buffer) => void, options: FrameReaderOptions = {}) {
    this.#onFrame = onFrame;
    this.#maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.#pool = options.pool ?? null;
    this.#release = options.releaseAfterHandling ?? false;
    this.#head = Buffer.allocUnsafeSlow(options.headBytes ?? DEFAULT_HEAD_BYTES);
  }

  /** Bytes held that do not yet make a whole frame. */
  get bufferedBytes(): number {
    return this.#frame !== null ? this.#frameFill : this.#headFill;
  }

  /** Where the socket's next read goes (onread.buffer). Never empty. */
  nextBuffer(): Buffer {
    return this.#frame !== null ? this.#frame.subarray(this.#frameFill) : this.#head.subarray(this.#headFill);
  }

  /** Feed a chunk read elsewhere: copied in, not kept. Throws as onRead does. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const target = this.nextBuffer();
      const n = chunk.copy(target, 0, offset, Math.min(chunk.length, offset + target.length));
      offset += n;
      this.onRead(n);
    }
  }

  /**
   * `n` bytes were read into the buffer nextBuffer() gave (onread.callback). Hands over every
   * frame they complete; throws ProtocolError on a size no frame can have.
   */
  onRead(n: number): void {
    if (this.#frame !== null) {
      this.#frameFill += n;
      if (this.#frameFill < this.#frame.length) return;
      const frame = this.#frame;
      this.#frame = null;
      this.#frameFill = 0;
      try {
        this.#onFrame(frame);
      } finally {
        if (this.#release) this.#pool?.give(frame);
      }
      return;
    }
    this.#headFill += n;
    const head = this.#head;
    let pos = 0;
    while (this.#headFill - pos >= SIZE_BYTES) {
      const size = head.readInt32BE(pos);
      if (size < 0 || size + SIZE_BYTES > this.#maxFrameBytes) {
        throw new ProtocolError(`frame size ${size} is outside 0..${this.#maxFrameBytes - SIZE_BYTES}`);
      }
      const total = size + SIZE_BYTES;
      const held = this.#headFill - pos;
      if (held >= total) {
        const frame = Buffer.allocUnsafe(total);
        head.copy(frame, 0, pos, pos + total);
        pos += total;
        this.#onFrame(frame);
        continue;
      }
      if (total > head.length) {
        // Read the rest of it straight into its own buffer.
        const frame = this.#pool !== null ? this.#pool.take(total) : Buffer.allocUnsafeSlow(total);
        head.copy(frame, 0, pos, this.#headFill);
        this.#frame = frame;
        this.#frameFill = held;
        pos = this.#headFill;
      }
      break;
    }
    if (pos > 0) {
      head.copyWithin(0, pos, this.#headFill);
      this.#headFill -= pos;
    }
  }
}
