// The Kafka listener (SPEC §8): a TCP server that speaks Apache Kafka's wire protocol over the
// broker's own logs, groups and configs. A second front door to the same core, not a second
// broker: its handlers call the same storage and broker code as the Unix socket's. With TLS it
// is a `tls` server (a client that does not speak TLS is dropped during the handshake); with
// SASL every connection must authenticate before it is served anything but the SASL APIs.
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { SpoolError, errorMessage } from '../common/errors.js';
import type { BrokerContext } from '../broker/broker-context.js';
import type { KafkaListenerConfig } from '../broker/broker-config.js';
import { KafkaUserStore } from '../storage/kafka-users.js';
import { KafkaConnection } from './kafka-connection.js';
import type { KafkaContext } from './kafka-context.js';
import { createKafkaApis } from './kafka-apis.js';
import { ClassicGroupCoordinator } from './groups/classic-group-coordinator.js';
import { formatHostPort, type HostPort } from './listen-address.js';
import { SaslState } from './sasl/sasl-state.js';

export class KafkaListener {
  readonly #broker: BrokerContext;
  readonly #config: KafkaListenerConfig;
  readonly #server: Server;
  readonly #connections = new Set<KafkaConnection>();
  readonly #apis = createKafkaApis();
  #nextId = 1;
  #ctx: KafkaContext | null = null;

  constructor(broker: BrokerContext, config: KafkaListenerConfig) {
    this.#broker = broker;
    this.#config = config;
    this.#server = config.tls === null ? createServer((socket) => this.#accept(socket)) : this.#tlsServer(config.tls);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** SASL_SSL, SASL_PLAINTEXT, SSL or PLAINTEXT: what a client's security.protocol must be. */
  get securityProtocol(): string {
    const tls = this.#config.tls !== null;
    if (this.#config.sasl) return tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
    return tls ? 'SSL' : 'PLAINTEXT';
  }

  /** Bind and start accepting; resolves to the bound address (HOST:PORT). */
  async listen(): Promise<string> {
    const { host, port } = this.#config;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host, port, exclusive: true }, () => {
        this.#server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new SpoolError(`cannot listen for Kafka clients on ${formatHostPort({ host, port })}: ${errorMessage(err)}`, { cause: err });
    });
    const bound: HostPort = { host, port: (this.#server.address() as AddressInfo).port };
    const logs = this.#broker.logs;
    this.#ctx = {
      broker: this.#broker,
      clusterId: logs.clusterId,
      advertised: this.#config.advertised ?? bound,
      groups: new ClassicGroupCoordinator(this.#broker.groupDirectory, { partitionCount: (topic) => logs.topic(topic)?.partitions.length ?? 0 }, this.#broker.logger),
      users: this.#config.sasl ? new KafkaUserStore(logs.db) : null,
    };
    return formatHostPort(bound);
  }

  #tlsServer(tls: { certFile: string; keyFile: string }): Server {
    let cert: Buffer;
    let key: Buffer;
    try {
      cert = readFileSync(tls.certFile);
      key = readFileSync(tls.keyFile);
    } catch (err) {
      throw new SpoolError(`cannot read the Kafka listener's TLS certificate or key: ${errorMessage(err)}`, { cause: err });
    }
    let server: Server;
    try {
      server = createTlsServer({ cert, key }, (socket) => this.#accept(socket));
    } catch (err) {
      throw new SpoolError(`invalid TLS certificate or key (${tls.certFile}, ${tls.keyFile}): ${errorMessage(err)}`, { cause: err });
    }
    // A client that does not speak TLS (or rejects the certificate) fails the handshake: its
    // socket is closed, and only this line tells of it.
    server.on('tlsClientError', (err, socket) => {
      this.#broker.logger.warn(`kafka connection from ${socket.remoteAddress ?? 'unknown'} failed the TLS handshake: ${err.message}`);
      socket.destroy();
    });
    return server;
  }

  #accept(socket: Socket): void {
    if (this.#ctx === null) {
      socket.destroy();
      return;
    }
    const sasl = this.#ctx.users === null ? null : new SaslState(this.#ctx.users);
    const connection = new KafkaConnection(this.#nextId++, socket, this.#ctx, this.#apis, this.#config.maxRequestBytes, sasl);
    this.#connections.add(connection);
    connection.onClose(() => this.#connections.delete(connection));
  }

  /** Stop accepting and close every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const connection of this.#connections) connection.close();
      this.#ctx?.groups.close();
    });
  }
}
