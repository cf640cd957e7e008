// A raw Kafka connection for e2e tests that check the wire itself: send requests encoded with
// spool's codec, read responses, size-prefixed tokens outside Kafka's framing, and see when the
// broker closes the connection.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { encodeRequest, decodeResponse } from '../../src/kafka/protocol/headers.js';
import type { ApiSchema } from '../../src/kafka/protocol/schema.js';

export /** A raw Kafka connection: send requests, read responses, see when the broker closes it. */
class RawClient {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  closed = false;
  #correlation = 1;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static open(address: string): Promise<RawClient> {
    const [host, port] = address.split(':') as [string, string];
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(schema: ApiSchema, version: number, body: object): void {
    for (const part of encodeRequest(schema, version, this.#correlation++, 'raw-e2e', body)) this.#socket.write(part);
  }

  /** A size-prefixed token outside Kafka's framing (SASL after a v0 handshake). */
  sendRaw(token: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length);
    this.#socket.write(Buffer.concat([size, token]));
  }

  /** The next response, or null if the broker closed the connection first. */
  async response<T extends object>(schema: ApiSchema, version: number): Promise<T | null> {
    const frame = await this.frame();
    return frame === null ? null : decodeResponse<T>(schema, version, frame).body;
  }

  /** The next size-prefixed frame, without its size; null if the connection closed first. */
  async frame(): Promise<Buffer | null> {
    for (;;) {
      if (this.#buffer.length >= 4) {
        const size = this.#buffer.readInt32BE(0);
        if (this.#buffer.length >= 4 + size) {
          const frame = this.#buffer.subarray(4, 4 + size);
          this.#buffer = this.#buffer.subarray(4 + size);
          return frame;
        }
      }
      if (this.closed) return null;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) assert.fail('the broker did not close the connection');
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
