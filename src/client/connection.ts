// Connection: one Unix-socket connection to the broker. Requests get ids and may be pipelined;
// responses are matched by id in whatever order they come. Writes respect backpressure: when the
// socket's buffer is full, request() waits for 'drain' before writing more.
import { connect, type Socket } from 'node:net';
import { BrokerError, BrokerUnavailableError, ProtocolError, errorMessage } from '../common/errors.js';
import { errorCodeInfo, type ErrorCode } from '../common/error-codes.js';
import type { ApiKey } from '../protocol/api-keys.js';
import { FrameDecoder, decodeResponseFrame, encodeRequestHeader } from '../protocol/frame.js';
import { decodeJsonBody, encodeJsonBody } from '../protocol/json-body.js';

interface Pending {
  resolve: (body: Buffer) => void;
  reject: (err: Error) => void;
}

export class Connection {
  readonly socketPath: string;
  readonly #socket: Socket;
  readonly #decoder = new FrameDecoder();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closedError: Error | null = null;
  #drained: Promise<void> | null = null;
  /** Ends the wait for 'drain' early when the connection fails (no 'drain' will come then). */
  #endDrainWait: () => void = () => {};

  private constructor(socketPath: string, socket: Socket) {
    this.socketPath = socketPath;
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#fail(new BrokerUnavailableError(`connection to the broker failed: ${err.message}`, err)));
    socket.on('close', () => this.#fail(new BrokerUnavailableError('the broker closed the connection')));
  }

  /** Connect; rejects with the socket error (ENOENT, ECONNREFUSED...) for the caller to judge. */
  static connect(socketPath: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      const onError = (err: Error) => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new Connection(socketPath, socket));
      });
    });
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
    const response = new Promise<Buffer>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    const socket = this.#socket;
    socket.cork();
    let ok = socket.write(encodeRequestHeader(apiKey, id, size));
    for (const part of body) ok = socket.write(part) && ok;
    socket.uncork();
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
    this.#pending.clear();
    this.#socket.end();
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#fail(new ProtocolError(`broker sent a malformed frame: ${errorMessage(err)}`));
      this.#socket.destroy();
      return;
    }
    for (const frame of frames) {
      const response = decodeResponseFrame(frame);
      const pending = this.#pending.get(response.requestId);
      if (pending === undefined) continue;
      this.#pending.delete(response.requestId);
      if (response.errorCode === 0) pending.resolve(response.body);
      else pending.reject(brokerError(response.errorCode as ErrorCode, response.body));
    }
  }

  #fail(err: Error): void {
    this.#closedError ??= err;
    this.#endDrainWait();
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }
}

function brokerError(code: ErrorCode, body: Buffer): BrokerError {
  const length = body.length >= 2 ? body.readInt16BE(0) : -1;
  const message = length >= 0 ? body.toString('utf8', 2, 2 + length) : errorCodeInfo(code).name;
  return new BrokerError(code, message, errorCodeInfo(code).retriable);
}
