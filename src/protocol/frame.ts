// Frames on the Unix socket. Every request and response is one frame (big-endian):
//
//   request:   size int32 | apiKey int16 | requestId int32 | body
//   response:  size int32 | apiKey int16 | requestId int32 | errorCode int16 | body
//
// `size` counts the bytes after itself. A response with errorCode != 0 has as body only the error
// message (int16-length UTF-8). Requests may be pipelined; responses carry the request id and
// may come back in any order (a parked fetch answers later than a produce sent after it).
import { ProtocolError } from '../common/errors.js';

export const SIZE_BYTES = 4;
export const REQUEST_HEADER_BYTES = SIZE_BYTES + 2 + 4;
export const RESPONSE_HEADER_BYTES = SIZE_BYTES + 2 + 4 + 2;
/** Frames above this are a broken or hostile peer; the connection is closed. */
export const MAX_FRAME_BYTES = 128 * 1024 * 1024;

/**
 * Frames under this size go to the socket as one buffer: copying a few hundred bytes (out of
 * Node's shared allocation pool) costs less than corking the socket and writing each part, with
 * the stream's bookkeeping per part (an object each, an array for writev).
 */
export const ONE_PIECE_FRAME_BYTES = 4096;

/** `header` and then `body`, copied into one buffer of `header.length + bodyBytes`. */
export function joinFrame(header: Buffer, body: readonly Buffer[], bodyBytes: number): Buffer {
  const frame = Buffer.allocUnsafe(header.length + bodyBytes);
  let at = header.copy(frame, 0);
  for (const part of body) at += part.copy(frame, at);
  return frame;
}

export interface RequestFrame {
  apiKey: number;
  requestId: number;
  body: Buffer;
}

export interface ResponseFrame {
  apiKey: number;
  requestId: number;
  errorCode: number;
  body: Buffer;
}

function bodyLength(body: readonly Buffer[]): number {
  let n = 0;
  for (const b of body) n += b.length;
  return n;
}

/** The header of a request frame whose body is `body` (sent after it, uncopied). */
export function encodeRequestHeader(apiKey: number, requestId: number, bodyBytes: number): Buffer {
  const header = Buffer.allocUnsafe(REQUEST_HEADER_BYTES);
  header.writeInt32BE(REQUEST_HEADER_BYTES - SIZE_BYTES + bodyBytes, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt32BE(requestId, 6);
  return header;
}

export function encodeResponseHeader(apiKey: number, requestId: number, errorCode: number, bodyBytes: number): Buffer {
  const header = Buffer.allocUnsafe(RESPONSE_HEADER_BYTES);
  header.writeInt32BE(RESPONSE_HEADER_BYTES - SIZE_BYTES + bodyBytes, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt32BE(requestId, 6);
  header.writeInt16BE(errorCode, 10);
  return header;
}

export function encodeRequestFrame(apiKey: number, requestId: number, body: readonly Buffer[]): Buffer[] {
  return [encodeRequestHeader(apiKey, requestId, bodyLength(body)), ...body];
}

export function encodeResponseFrame(apiKey: number, requestId: number, errorCode: number, body: readonly Buffer[]): Buffer[] {
  return [encodeResponseHeader(apiKey, requestId, errorCode, bodyLength(body)), ...body];
}

export function decodeRequestFrame(frame: Buffer): RequestFrame {
  if (frame.length < REQUEST_HEADER_BYTES) throw new ProtocolError(`request frame of ${frame.length} bytes is shorter than its header`);
  return { apiKey: frame.readInt16BE(4), requestId: frame.readInt32BE(6), body: frame.subarray(REQUEST_HEADER_BYTES) };
}

export function decodeResponseFrame(frame: Buffer): ResponseFrame {
  if (frame.length < RESPONSE_HEADER_BYTES) throw new ProtocolError(`response frame of ${frame.length} bytes is shorter than its header`);
  return {
    apiKey: frame.readInt16BE(4),
    requestId: frame.readInt32BE(6),
    errorCode: frame.readInt16BE(10),
    body: frame.subarray(RESPONSE_HEADER_BYTES),
  };
}

/** Frames up to this size that span chunks are assembled in a reused buffer (see reuseScratch). */
const SCRATCH_MAX_BYTES = 8 * 1024 * 1024;

export interface FrameDecoderOptions {
  maxFrameBytes?: number;
  /**
   * Assemble frames that span chunks in one reused buffer instead of a new one each time. Only
   * for a caller that is done with every frame of a push() before the next push() (the broker,
   * whose handlers decode or append synchronously): it saves ~1 MiB of garbage per produce.
   */
  reuseScratch?: boolean;
}

/**
 * Cuts a byte stream into whole frames (size prefix included). Chunks are kept by reference
 * until a frame is complete; a frame that lies within one chunk is returned without copying.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #reuseScratch: boolean;
  #scratch: Buffer | null = null;
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.#reuseScratch = options.reuseScratch ?? false;
  }

  /** Bytes held that do not yet make a whole frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Feed a chunk; returns the frames it completes. Throws ProtocolError on an impossible size. */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#buffered < SIZE_BYTES) break;
      const size = this.#peekSize();
      if (size < 0 || size + SIZE_BYTES > this.#maxFrameBytes) {
        throw new ProtocolError(`frame size ${size} is outside 0..${this.#maxFrameBytes - SIZE_BYTES}`);
      }
      const total = size + SIZE_BYTES;
      if (this.#buffered < total) break;
      frames.push(this.#take(total));
    }
    return frames;
  }

  #assemblyBuffer(total: number): Buffer {
    if (!this.#reuseScratch || total > SCRATCH_MAX_BYTES) return Buffer.allocUnsafe(total);
    if (this.#scratch === null || this.#scratch.length < total) this.#scratch = Buffer.allocUnsafe(Math.max(total, 64 * 1024));
    return this.#scratch.subarray(0, total);
  }

  #peekSize(): number {
    const first = this.#chunks[0]!;
    if (first.length >= SIZE_BYTES) return first.readInt32BE(0);
    const head = Buffer.concat(this.#chunks, Math.min(this.#buffered, 16));
    return head.readInt32BE(0);
  }

  #take(total: number): Buffer {
    this.#buffered -= total;
    const first = this.#chunks[0]!;
    if (first.length >= total) {
      const frame = first.subarray(0, total);
      if (first.length === total) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(total);
      return frame;
    }
    const frame = this.#assemblyBuffer(total);
    let filled = 0;
    while (filled < total) {
      const chunk = this.#chunks[0]!;
      const n = Math.min(chunk.length, total - filled);
      chunk.copy(frame, filled, 0, n);
      filled += n;
      if (n === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(n);
    }
    return frame;
  }
}
