// The Kafka listener (SPEC §8): a TCP server that speaks Apache Kafka's wire protocol over the
// broker's own logs, groups and configs. A second front door to the same core, not a second
// broker: its handlers call the same storage and broker code as the Unix socket's.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SpoolError, errorMessage } from '../common/errors.js';
import type { BrokerContext } from '../broker/broker-context.js';
import type { KafkaListenerConfig } from '../broker/broker-config.js';
import { KafkaConnection } from './kafka-connection.js';
import type { KafkaContext } from './kafka-context.js';
import { createKafkaApis } from './kafka-apis.js';
import { ClassicGroupCoordinator } from './groups/classic-group-coordinator.js';
import { formatHostPort, type HostPort } from './listen-address.js';

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
    this.#server = createServer((socket) => this.#accept(socket));
  }

  get connectionCount(): number {
    return this.#connections.size;
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
    };
    return formatHostPort(bound);
  }

  #accept(socket: Socket): void {
    if (this.#ctx === null) {
      socket.destroy();
      return;
    }
    const connection = new KafkaConnection(this.#nextId++, socket, this.#ctx, this.#apis, this.#config.maxRequestBytes);
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
