// A TCP proxy between Kafka clients and spool's Kafka listener whose connections a test can cut,
// to break a client's connection without touching the broker. The broker advertises the proxy
// (--kafka-advertise), so every connection a client makes goes through it.
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export class CuttingProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #target: { host: string; port: number } | null = null;
  #cuts = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<CuttingProxy> {
    const server = createServer();
    const proxy = new CuttingProxy(server);
    server.on('connection', (client) => proxy.#accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Connections cut so far. */
  get cuts(): number {
    return this.#cuts;
  }

  forwardTo(address: string): void {
    const at = address.lastIndexOf(':');
    this.#target = { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
  }

  /** Destroy every open connection, both sides, as a network failure would. */
  cutAll(): number {
    let n = 0;
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
      n++;
    }
    this.#pairs.clear();
    this.#cuts += n;
    return n;
  }

  close(): Promise<void> {
    this.cutAll();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.#target === null) {
      client.destroy();
      return;
    }
    const upstream = connect(this.#target.port, this.#target.host);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
