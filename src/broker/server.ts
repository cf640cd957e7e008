// The Unix-socket listener: accepts connections and gives each its Session. The socket file is
// created with mode 0600 (the umask is narrowed around listen so no other user can ever connect).
import { createServer, type Server } from 'node:net';
import { chmodSync } from 'node:fs';
import type { BrokerContext } from './broker-context.js';
import type { Handler } from './handlers/handler.js';
import { Session } from './session.js';

export class BrokerServer {
  readonly #server: Server;
  readonly #sessions = new Set<Session>();
  #nextSessionId = 1;

  constructor(ctx: BrokerContext, dispatch: ReadonlyMap<number, Handler>) {
    // Paused until its session takes it over, so that it reads into the session's own buffers.
    this.#server = createServer({ pauseOnConnect: true }, (socket) => {
      const session = new Session(this.#nextSessionId++, socket, ctx, dispatch);
      this.#sessions.add(session);
      session.onClose(() => this.#sessions.delete(session));
    });
  }

  get connectionCount(): number {
    return this.#sessions.size;
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const previous = process.umask(0o177);
      this.#server.once('error', (err) => {
        process.umask(previous);
        reject(err);
      });
      this.#server.listen(socketPath, () => {
        process.umask(previous);
        chmodSync(socketPath, 0o600);
        resolve();
      });
    });
  }

  /** Stop accepting and close every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const session of this.#sessions) session.close();
    });
  }
}
