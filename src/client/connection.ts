// Connection: one Unix-socket connection to the broker. Requests get ids and may be pipelined;
// responses are matched by id in whatever order they come. Writes respect backpressure: when the
// socket's buffer is full, request() waits for 'drain' before writing more. Responses are read
// straight into their own buffers (protocol/frame-reader.ts); a large one's memory can be given
// back with recycle() once its reader is done with it, and the next large response reuses it.
import { connect, type Socket } from 'node:net';
import { BufferPool } from '../common/buffer-pool.js';
import { BrokerError, BrokerUnavailableError, ProtocolError, errorMessage } from '../common/errors.js';
import { errorCodeInfo, type ErrorCode } from '../common/error-codes.js';
import type { ApiKey } from '../protocol/api-keys.js';
import { ONE_PIECE_FRAME_BYTES, decodeResponseFrame, encodeRequestHeader, joinFrame } from '../protocol/frame.js';
import { FrameReader } from '../protocol/frame-reader.js';
import { decodeJsonBody, encodeJsonBody } from '../protocol/json-body.js';
import { PendingRequests } from './pending-requests.js';

/** Large responses kept for reuse: the one being read and the one being written out, each. */
const FREE_RESPONSE_BUFFERS = 2;
/** A larger response (a fetch with a big max bytes) is left to the collector. */
const KEPT_RESPONSE_MAX_BYTES = 16 * 1024 * 1024;

interface Pending {
  resolve: (body: Buffer) => void;
  reject: (err: Error) => void;
}

export class Connection {
  readonly socketPath: string;
  readonly #socket: Socket;
  readonly #pool: BufferPool;
  readonly #pending = new PendingRequests<Pending>();
  #nextId = 1;
  #closedError: Error | null = null;
  #drained: Promise<void> | null = null;
  /** Ends the wait for 'drain' early when the connection fails (no 'drain' will come then). */
  #endDrainWait: () => void = () => {};

  private constructor(socketPath: string, socket: Socket, pool: BufferPool) {
    this.socketPath = socketPath;
    this.#socket = socket;
    this.#pool = pool;
    socket.on('error', (err) => this.#fail(new BrokerUnavailableError(`connection to the broker failed: ${err.message}`, err)));
    socket.on('close', () => this.#fail(new BrokerUnavailableError('the broker closed the connection')));
  }

  /** Connect; rejects with the socket error (ENOENT, ECONNREFUSED...) for the caller to judge. */
  static connect(socketPath: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const pool = new BufferPool({ maxFree: FREE_RESPONSE_BUFFERS, maxKeptBytes: KEPT_RESPONSE_MAX_BYTES, hugePages: true });
      let connection: Connection | null = null;
      const reader = new FrameReader(
        (frame) => {
          if (connection !== null) connection.#onFrame(frame);
        },
        { pool },
      );
      const socket = connect({
        path: socketPath,
        onread: {
          buffer: () => reader.nextBuffer(),
          callback: (bytes: number) => {
            try {
              reader.onRead(bytes);
            } catch (err) {
              if (connection !== null) connection.#fail(new ProtocolError(`broker sent a malformed frame: ${errorMessage(err)}`));
              socket.destroy();
              return false;
            }
            return true;
          },
        },
      });
      const onError = (err: Error) => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        connection = new Connection(socketPath, socket, pool);
        resolve(connection);
      });
    });
  }

  /**
   * Give back the memory of a response whose body `view` lies in, once nothing refers to any of
   * it any more (every view into it is dropped or done with): the next large response reuses it.
   */
  recycle(view: Uint8Array): void {
    this.#pool.give(view);
  }

  /** Memory of the response pool (for data read beside the socket), given back with recycle(). */
  borrow(size: number): Buffer {
    return this.#pool.take(size);
  }

  /** True once the connection failed or was closed: it takes no more requests. */
  get closed(): boolean {
    return this.#closedError !== null;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Send one request; resolves with the response body, rejects with BrokerError on an error code. */
  async request(apiKey: ApiKey, body: readonly Buffer[]): Promise<Buffer> {
    if (this.#closedError !== null) throw this.#closedError;
    if (this.#drained !== null) await this.#drained;
    if (this.#closedError !== null) throw this.#closedError;
    const id = this.#nextId;
    this.#nextId = this.#nextId >= 0x7fffffff ? 1 : this.#nextId + 1;
    let size = 0;
    for (const part of body) size += part.length;
    const response = new Promise<Buffer>((resolve, reject) => this.#pending.add(id, { resolve, reject }));
    const socket = this.#socket;
    const header = encodeRequestHeader(apiKey, id, size);
    let ok: boolean;
    if (header.length + size < ONE_PIECE_FRAME_BYTES) {
      ok = socket.write(joinFrame(header, body, size));
    } else {
      socket.cork();
      ok = socket.write(header);
      for (const part of body) ok = socket.write(part) && ok;
      socket.uncork();
    }
    if (!ok && this.#drained === null) {
      this.#drained = new Promise((resolve) => {
        const done = () => {
          socket.off('drain', done);
          this.#drained = null;
          resolve();
        };
        this.#endDrainWait = done;
        socket.once('drain', done);
      });
    }
    return response;
  }

  async requestJson<Res>(apiKey: ApiKey, request: unknown): Promise<Res> {
    return decodeJsonBody(await this.request(apiKey, encodeJsonBody(request))) as Res;
  }

  /** Close; requests still unanswered are dropped (their promises never settle). */
  close(): void {
    this.#closedError ??= new BrokerUnavailableError('connection closed');
    this.#pending.takeAll();
    this.#socket.end();
    this.#socket.destroy();
  }

  #onFrame(frame: Buffer): void {
    const response = decodeResponseFrame(frame);
    const pending = this.#pending.take(response.requestId);
    if (pending === undefined) return;
    if (response.errorCode === 0) pending.resolve(response.body);
    else pending.reject(brokerError(response.errorCode as ErrorCode, response.body));
  }

  #fail(err: Error): void {
    this.#closedError ??= err;
    this.#endDrainWait();
    for (const pending of this.#pending.takeAll()) pending.reject(err);
  }
}

function brokerError(code: ErrorCode, body: Buffer): BrokerError {
  const length = body.length >= 2 ? body.readInt16BE(0) : -1;
  const message = length >= 0 ? body.toString('utf8', 2, 2 + length) : errorCodeInfo(code).name;
  return new BrokerError(code, message, errorCodeInfo(code).retriable);
}
