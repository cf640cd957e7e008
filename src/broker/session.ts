// Session: one client connection. Cuts the byte stream into frames, dispatches each request,
// and writes responses as they are ready (a parked fetch may answer after later requests). The
// connection reads straight into the frame reader's buffers (adopt-connection.ts), so a large
// request lands in a pooled buffer with no copy and no fresh memory.
// Backpressure: while the socket's write buffer is full, reading from it pauses, so a client
// that does not read its responses cannot make the broker queue without bound. A malformed,
// oversized or truncated frame closes this connection only. A graceful stop reads no further
// request but lets the answers already written reach the client, so a producer knows exactly
// which of its batches were stored.
import type { Socket } from 'node:net';
import { adoptConnection } from './adopt-connection.js';
import { ErrorCode } from '../common/error-codes.js';
import { ProtocolError, SpoolError } from '../common/errors.js';
import { apiKeyName, isApiKey } from '../protocol/api-keys.js';
import { ONE_PIECE_FRAME_BYTES, decodeRequestFrame, encodeResponseHeader, joinFrame } from '../protocol/frame.js';
import { FrameReader } from '../protocol/frame-reader.js';
import type { BrokerContext, SessionInfo } from './broker-context.js';
import type { Handler, ResponseBody } from './handlers/handler.js';

/** How long a closing connection may take to flush its answers before it is cut. */
const CLOSE_GRACE_MS = 2000;
/** Requests up to this size are gathered per connection; larger ones go to a pooled buffer. */
const HEAD_BYTES = 16 * 1024;

export class Session implements SessionInfo {
  readonly id: number;
  readonly #socket: Socket;
  readonly #ctx: BrokerContext;
  readonly #dispatch: ReadonlyMap<number, Handler>;
  readonly #reader: FrameReader;
  readonly #closeCallbacks: Array<() => void> = [];
  #closed = false;
  #closing = false;

  /** `accepted`: a connection just accepted, paused (the server's pauseOnConnect). */
  constructor(id: number, accepted: Socket, ctx: BrokerContext, dispatch: ReadonlyMap<number, Handler>) {
    this.id = id;
    this.#ctx = ctx;
    this.#dispatch = dispatch;
    // Large requests are read into the broker's pool and given back when handled: handlers are
    // done with a request's body when they return (they decode it, or append it, synchronously).
    this.#reader = new FrameReader((frame) => this.#handle(frame), { headBytes: HEAD_BYTES, pool: ctx.buffers, releaseAfterHandling: true });
    const adopted = adoptConnection(accepted, { buffer: () => this.#reader.nextBuffer(), callback: (bytes) => this.#onRead(bytes) });
    const socket = adopted ?? accepted;
    this.#socket = socket;
    if (adopted === null) {
      socket.on('data', (chunk: Buffer) => this.#onData(chunk));
      socket.resume();
    }
    socket.on('drain', () => socket.resume());
    socket.on('error', (err) => ctx.logger.debug(`connection ${id}: ${err.message}`));
    socket.on('close', () => this.#onClose());
    ctx.listeners.socket.opened();
  }

  onClose(callback: () => void): void {
    if (this.#closed) callback();
    else this.#closeCallbacks.push(callback);
  }

  /** Stop reading requests, flush the answers written so far, then close. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** `bytes` were read into the buffer the reader gave; false stops reading (a broken frame). */
  #onRead(bytes: number): boolean {
    // Closing: what comes now is not read as requests (the next read reuses the same memory).
    if (this.#closing) return true;
    try {
      this.#reader.onRead(bytes);
      return true;
    } catch (err) {
      // A frame size no frame can have (handlers' own errors are answered in #handle).
      this.#dropConnection(err);
      return false;
    }
  }

  /** A chunk read the ordinary way (when the connection could not be adopted). */
  #onData(chunk: Buffer): void {
    if (this.#closing) return;
    this.#ctx.memory.account(chunk.length);
    try {
      this.#reader.push(chunk);
    } catch (err) {
      this.#dropConnection(err);
    }
  }

  #handle(frame: Buffer): void {
    if (this.#closed || this.#closing) return;
    this.#ctx.listeners.socket.requests++;
    const startedMs = this.#ctx.metrics === null ? 0 : performance.now();
    let apiKey = -1;
    let requestId = -1;
    try {
      const request = decodeRequestFrame(frame);
      apiKey = request.apiKey;
      requestId = request.requestId;
      const handler = this.#dispatch.get(apiKey);
      if (handler === undefined) {
        throw new SpoolError(`unknown request kind ${apiKey}`, { code: ErrorCode.InvalidRequest });
      }
      const result = handler(this.#ctx, request.body, this);
      if (result instanceof Promise) {
        result.then(
          (body) => this.#respond(apiKey, requestId, ErrorCode.None, body, startedMs),
          (err: unknown) => this.#fail(apiKey, requestId, err, startedMs),
        );
      } else {
        this.#respond(apiKey, requestId, ErrorCode.None, result, startedMs);
      }
    } catch (err) {
      this.#fail(apiKey, requestId, err, startedMs);
    }
  }

  #fail(apiKey: number, requestId: number, err: unknown, startedMs: number): void {
    if (err instanceof ProtocolError) {
      this.#ctx.metrics?.request('socket', requestName(apiKey), startedMs, true);
      this.#dropConnection(err);
      return;
    }
    if (!(err instanceof SpoolError)) {
      this.#ctx.logger.error(`${apiKeyName(apiKey)} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    const code = err instanceof SpoolError ? err.code : ErrorCode.UnknownServerError;
    const message = err instanceof Error ? err.message : String(err);
    const text = Buffer.from(message.slice(0, 8000), 'utf8');
    const length = Buffer.allocUnsafe(2);
    length.writeInt16BE(text.length, 0);
    this.#respond(apiKey, requestId, code, [length, text], startedMs);
  }

  #respond(apiKey: number, requestId: number, errorCode: number, body: ResponseBody, startedMs: number): void {
    this.#ctx.metrics?.request('socket', requestName(apiKey), startedMs, errorCode !== ErrorCode.None);
    if (this.#closed || this.#socket.writableEnded) return;
    let size = 0;
    for (const part of body) size += part.length;
    const socket = this.#socket;
    const header = encodeResponseHeader(apiKey, requestId, errorCode, size);
    if (header.length + size < ONE_PIECE_FRAME_BYTES) {
      const ok = socket.write(joinFrame(header, body, size));
      this.#written(body); // copied: the parts' memory is free again
      if (!ok) socket.pause();
      return;
    }
    socket.cork();
    let ok = socket.write(header);
    const last = body.length - 1;
    // Chunks are written in order: when the last is, so are the others.
    for (let i = 0; i < last; i++) ok = socket.write(body[i]!) && ok;
    if (last >= 0) ok = socket.write(body[last]!, () => this.#written(body)) && ok;
    socket.uncork();
    if (!ok) socket.pause();
  }

  /** A response is written (or its connection failed): fetched bytes in it go back to the pool. */
  #written(body: ResponseBody): void {
    for (const part of body) this.#ctx.buffers.give(part);
  }

  #dropConnection(err: unknown): void {
    this.#ctx.logger.warn(`connection ${this.id} closed: ${err instanceof Error ? err.message : String(err)}`);
    this.#socket.destroy();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.listeners.socket.closed();
    this.#ctx.parked.drop(this);
    for (const callback of this.#closeCallbacks.splice(0)) callback();
  }
}

/** The request's name as metrics label it; every unknown kind is one label, so there are few. */
function requestName(apiKey: number): string {
  return isApiKey(apiKey) ? apiKeyName(apiKey) : 'unknown';
}
