// One Kafka client connection. Cuts the byte stream into size-prefixed requests and handles them
// one at a time, in order, as a Kafka broker does (its network layer mutes a connection while a
// request is in progress): responses go out in request order, which every Kafka client relies
// on. While a request waits (a parked Fetch, a JoinGroup) the socket keeps being read until a
// second request is queued behind it, so a closed peer is noticed and memory stays bounded.
// Bad input — a size over --kafka-max-request-bytes, a request cut short, an unknown API key or
// version, a body that does not parse — closes this connection only, and is logged.
import type { Socket } from 'node:net';
import { ProtocolError, errorMessage } from '../common/errors.js';
import { FrameDecoder, SIZE_BYTES } from '../protocol/frame.js';
import { NO_RESPONSE, type KafkaApi } from './kafka-handler.js';
import type { KafkaContext, KafkaSession } from './kafka-context.js';
import { decodeRequest, encodeResponse, readRequestHeader, type RequestHeader } from './protocol/headers.js';
import { unsupportedApiVersionsResponse } from './handlers/api-versions.js';
import { saslStep } from './handlers/sasl-authenticate.js';
import { SaslFailure } from './sasl/sasl-exchange.js';
import { SERVED_BEFORE_AUTHENTICATION, type SaslState } from './sasl/sasl-state.js';

const API_VERSIONS_KEY = 18;

export class KafkaConnection implements KafkaSession {
  readonly id: number;
  readonly clientHost: string;
  clientId = '';
  readonly sasl: SaslState | null;
  readonly #socket: Socket;
  readonly #ctx: KafkaContext;
  readonly #apis: ReadonlyMap<number, KafkaApi>;
  readonly #decoder: FrameDecoder;
  readonly #queue: Buffer[] = [];
  readonly #closeCallbacks: Array<() => void> = [];
  #busy = false;
  /** When the request being handled was read (performance.now()), for its latency metric. */
  #startedMs = 0;
  /** A request is being handled and has not been counted in the metrics yet. */
  #uncounted = false;
  #writeBlocked = false;
  #closed = false;
  /** A refused login: answer, then close (nothing after it is served). */
  #ending = false;

  constructor(id: number, socket: Socket, ctx: KafkaContext, apis: ReadonlyMap<number, KafkaApi>, maxRequestBytes: number, sasl: SaslState | null) {
    this.id = id;
    this.sasl = sasl;
    this.#socket = socket;
    this.#ctx = ctx;
    this.#apis = apis;
    this.#decoder = new FrameDecoder({ maxFrameBytes: maxRequestBytes + SIZE_BYTES });
    this.clientHost = `/${(socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '')}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => {
      this.#writeBlocked = false;
      this.#pump();
    });
    socket.on('error', (err) => ctx.broker.logger.debug(`kafka connection ${id}: ${err.message}`));
    socket.on('close', () => this.#onClose());
    ctx.broker.listeners.kafka.opened();
  }

  get closed(): boolean {
    return this.#closed;
  }

  onClose(callback: () => void): void {
    if (this.#closed) callback();
    else this.#closeCallbacks.push(callback);
  }

  close(): void {
    this.#socket.destroy();
  }

  closeAfterResponse(): void {
    this.#ending = true;
  }

  #onData(chunk: Buffer): void {
    this.#ctx.broker.memory.account(chunk.length);
    try {
      for (const frame of this.#decoder.push(chunk)) this.#queue.push(frame);
    } catch (err) {
      this.#drop(err);
      return;
    }
    this.#pump();
  }

  /** Handle queued requests until one must wait; read on only while nothing waits behind it. */
  #pump(): void {
    while (!this.#busy && !this.#closed && !this.#ending && !this.#writeBlocked && this.#queue.length > 0) this.#handle(this.#queue.shift()!);
    if (this.#closed || this.#ending) return;
    if (this.#writeBlocked || this.#queue.length > 0) this.#socket.pause();
    else this.#socket.resume();
  }

  #handle(frame: Buffer): void {
    this.#ctx.broker.listeners.kafka.requests++;
    if (this.sasl?.rawTokens === true) {
      this.#rawSaslToken(frame.subarray(SIZE_BYTES));
      return;
    }
    if (this.#ctx.broker.metrics !== null) {
      this.#startedMs = performance.now();
      this.#uncounted = true;
    }
    let header: RequestHeader | null = null;
    try {
      header = readRequestHeader(frame.subarray(SIZE_BYTES));
      const api = this.#apis.get(header.apiKey);
      if (this.sasl !== null && !this.sasl.authenticated && !SERVED_BEFORE_AUTHENTICATION.has(header.apiKey)) {
        this.#drop(new ProtocolError(`${api?.schema.name ?? `API key ${header.apiKey}`} before SASL authentication`));
        return;
      }
      if (api === undefined || !header.supported) {
        this.#refuse(header, api);
        return;
      }
      if (header.clientId !== null) this.clientId = header.clientId;
      const request = decodeRequest(api.schema, header.apiVersion, frame.subarray(SIZE_BYTES), header.bodyOffset);
      const result = api.handle(this.#ctx, request, header.apiVersion, this);
      if (!(result instanceof Promise)) {
        this.#respond(api, header, result);
        return;
      }
      const answering = header;
      this.#busy = true;
      result.then(
        (response) => {
          this.#busy = false;
          this.#respond(api, answering, response);
          this.#pump();
        },
        (err: unknown) => this.#drop(err, answering),
      );
    } catch (err) {
      this.#drop(err, header);
    }
  }

  /**
   * An API or version spool does not serve. ApiVersions is answered in version 0 with
   * UNSUPPORTED_VERSION and the versions spool does serve, as Kafka does, so that the client can
   * retry with one of them; anything else closes the connection.
   */
  #refuse(header: RequestHeader, api: KafkaApi | undefined): void {
    if (header.apiKey === API_VERSIONS_KEY && api !== undefined) {
      this.#count(api.schema.name, true);
      this.#write(encodeResponse(api.schema, 0, header.correlationId, unsupportedApiVersionsResponse(this.#apis)));
      return;
    }
    const what = api === undefined ? `unknown API key ${header.apiKey}` : `${api.schema.name} version ${header.apiVersion} (spool serves ${api.schema.validVersions})`;
    this.#drop(new ProtocolError(`${what} from client "${header.clientId ?? ''}"`), header);
  }

  #respond(api: KafkaApi, header: RequestHeader, response: object | typeof NO_RESPONSE): void {
    this.#count(api.schema.name, hasTopLevelError(response));
    if (this.#closed || response === NO_RESPONSE) return;
    this.#write(encodeResponse(api.schema, header.apiVersion, header.correlationId, response));
    // Closed once the answer is flushed, whether or not the client closes its side.
    if (this.#ending) this.#socket.end(() => this.#socket.destroy());
  }

  /**
   * After a SaslHandshake v0 the client sends its SASL tokens unframed: int32 length and bytes,
   * no request header, answered the same way. A failure closes the connection without a word,
   * as Kafka does on that path.
   */
  #rawSaslToken(token: Buffer): void {
    this.#busy = true;
    saslStep(this.#ctx, this, token).then(
      (step) => {
        this.#busy = false;
        const size = Buffer.alloc(SIZE_BYTES);
        size.writeInt32BE(step.response.length);
        this.#write([size, step.response]);
        this.#pump();
      },
      (err: unknown) => {
        if (err instanceof SaslFailure) this.#socket.destroy();
        else this.#drop(err);
      },
    );
  }

  #write(parts: readonly Buffer[]): void {
    if (this.#closed) return;
    const socket = this.#socket;
    socket.cork();
    let ok = true;
    for (const part of parts) ok = socket.write(part) && ok;
    socket.uncork();
    if (!ok) this.#writeBlocked = true;
  }

  #drop(err: unknown, header: RequestHeader | null = null): void {
    if (this.#closed) return;
    this.#count((header === null ? undefined : this.#apis.get(header.apiKey)?.schema.name) ?? 'unknown', true);
    const logger = this.#ctx.broker.logger;
    const where = `kafka connection ${this.id} (${this.clientHost}${this.clientId === '' ? '' : `, client "${this.clientId}"`})`;
    if (err instanceof ProtocolError) logger.warn(`${where} closed: ${err.message}`);
    else {
      const api = header === null ? 'a request' : (this.#apis.get(header.apiKey)?.schema.name ?? `API ${header.apiKey}`);
      logger.error(`${where} closed: ${api} failed: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}`);
    }
    this.#socket.destroy();
  }

  /** The request being handled, in the metrics (once, whichever way it ends). */
  #count(request: string, failed: boolean): void {
    if (!this.#uncounted) return;
    this.#uncounted = false;
    this.#ctx.broker.metrics?.request('kafka', request, this.#startedMs, failed);
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.broker.listeners.kafka.closed();
    this.#queue.length = 0;
    this.#ctx.broker.parked.drop(this);
    for (const callback of this.#closeCallbacks.splice(0)) callback();
  }
}

/**
 * A response whose top-level error code is set (most APIs have one; Produce and Fetch report
 * theirs per partition, which metrics do not look into).
 */
function hasTopLevelError(response: object | typeof NO_RESPONSE): boolean {
  if (response === NO_RESPONSE) return false;
  const code = (response as { errorCode?: unknown }).errorCode;
  return typeof code === 'number' && code !== 0;
}
