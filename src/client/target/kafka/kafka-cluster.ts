// KafkaCluster: the client library's handles on one Kafka cluster — an Admin for metadata and
// administration, a Consumer for fetches and offsets (it joins no group), and a Producer made
// when a produce needs it — built from the -X settings (SASL, TLS, timeouts). Leader routing,
// retries and idempotent produce are the library's; this file only opens and closes them.
import { Admin, Consumer, Producer, kListApis, type BaseOptions, type ConnectionOptions } from '@platformatic/kafka';
import { BrokerUnavailableError } from '../../../common/errors.js';
import type { ClusterStatus } from '../target.js';
import { fromKafkaError } from './kafka-errors.js';
import type { KafkaClientSettings } from './kafka-properties.js';
import { encodeBatches } from './record-batches.js';
import { RecordCursor } from '../../../records/record-cursor.js';
import { batchSizeAt } from '../../../records/record-batch.js';

export class KafkaCluster {
  readonly settings: KafkaClientSettings;
  readonly admin: Admin;
  readonly #base: BaseOptions;
  #consumer: Consumer | null = null;
  #producer: Producer | null = null;
  readonly #groupConsumers = new Set<Consumer>();

  constructor(settings: KafkaClientSettings) {
    this.settings = settings;
    this.#base = baseOptions(settings);
    this.admin = new Admin(this.#base);
  }

  get bootstrap(): readonly string[] {
    return this.settings.bootstrap;
  }

  /** The Consumer used for fetches and offsets; it never joins a group. */
  get consumer(): Consumer {
    this.#consumer ??= new Consumer({ ...this.#base, groupId: 'spool-fetcher' });
    return this.#consumer;
  }

  /** An idempotent producer (acks=all), made on first use. */
  get producer(): Producer {
    // A new producer asks InitProducerId for a fresh id with -1/-1 (the library would send 0/0,
    // which a broker takes as "bump producer 0's epoch": every run would share one id).
    this.#producer ??= new Producer({
      ...this.#base,
      idempotent: this.settings.idempotent,
      acks: this.settings.acks,
      autocreateTopics: false,
      ...(this.settings.idempotent ? { producerId: -1n, producerEpoch: -1 } : {}),
    });
    return this.#producer;
  }

  /** A Consumer of its own for one member of `groupId` (closed with the cluster). */
  groupConsumer(groupId: string, sessionTimeoutMs: number, clientId: string): Consumer {
    const consumer = new Consumer({
      ...this.#base,
      // A member says who it is as a local spool consumer does, unless -X client.id says otherwise.
      clientId: this.settings.clientIdGiven ? this.settings.clientId : clientId,
      groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.min(this.settings.heartbeatIntervalMs, Math.floor(sessionTimeoutMs / 3)),
      rebalanceTimeout: this.settings.rebalanceTimeoutMs ?? Math.max(sessionTimeoutMs, 30_000),
    });
    this.#groupConsumers.add(consumer);
    return consumer;
  }

  releaseGroupConsumer(consumer: Consumer): void {
    this.#groupConsumers.delete(consumer);
  }

  /**
   * Resolves once a broker of the cluster answered a Metadata request, within the connect
   * timeout (a cluster that takes connections and never answers counts as unreachable); else
   * exit 3, or 1 for refused credentials.
   */
  async check(): Promise<void> {
    const timeoutMs = this.settings.connectTimeoutMs;
    // A client of its own, without retries and with the connect timeout for its requests: the
    // library's retry timers would otherwise keep the process alive after giving up.
    const probe = new Admin({ ...this.#base, retries: 0, requestTimeout: timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    const addresses = this.bootstrap.join(',');
    const hint = 'check the address, or -X socket.connection.setup.timeout.ms';
    const silentError = () => new BrokerUnavailableError(`no Kafka broker answered at ${addresses} within ${timeoutMs} ms; ${hint}`);
    const silent = new Promise<'silent'>((resolve) => (timer = setTimeout(() => resolve('silent'), timeoutMs + 500)));
    try {
      const answer = await Promise.race([probe.metadata({ topics: [], forceUpdate: true }), silent]);
      if (answer === 'silent') throw silentError();
    } catch (err) {
      if (err instanceof BrokerUnavailableError) throw err;
      const error = fromKafkaError(err, this.bootstrap);
      if (error instanceof BrokerUnavailableError) {
        const reason = error.message.startsWith(`no Kafka broker reachable at ${addresses}: `) ? error.message.slice(`no Kafka broker reachable at ${addresses}: `.length) : error.message;
        // Connected, asked, and no answer within the timeout: the library's request timed out.
        if (/timed out/i.test(reason)) throw silentError();
        throw new BrokerUnavailableError(`no Kafka broker reachable at ${addresses} within ${timeoutMs} ms (${reason}); ${hint}`, err);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      await probe.close().catch(() => undefined);
    }
  }

  async describe(): Promise<ClusterStatus> {
    const metadata = await this.admin.metadata({ topics: [], forceUpdate: true });
    const apis = await new Promise<Array<{ apiKey: number; name: string; minVersion: number; maxVersion: number }>>((resolve, reject) =>
      this.admin[kListApis]((err, result) => (err ? reject(err) : resolve(result ?? []))),
    );
    return {
      clusterId: metadata.id,
      controller: metadata.controllerId,
      brokers: [...metadata.brokers.entries()].sort(([a], [b]) => a - b).map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
      apiVersions: [...apis].sort((a, b) => a.apiKey - b.apiKey).map((a) => ({ api: a.name, minVersion: a.minVersion, maxVersion: a.maxVersion })),
      bootstrap: [...this.bootstrap],
    };
  }

  /** The timestamp of the record at `offset` (a fetch of one small batch from the leader). */
  async firstTimestamp(topic: string, partition: number, offset: number): Promise<number | null> {
    const metadata = await this.consumer.metadata({ topics: [topic] });
    const info = metadata.topics.get(topic);
    const leader = info?.partitions[partition]?.leader;
    if (info === undefined || leader === undefined) return null;
    const response = await this.consumer.fetch({
      node: leader,
      maxWaitTime: 0,
      maxBytes: 64 * 1024,
      topics: [{ topicId: info.id, partitions: [{ partition, fetchOffset: BigInt(offset), currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 64 * 1024 }] }],
    });
    const batches = response.responses[0]?.partitions[0]?.records ?? [];
    if (batches.length === 0) return null;
    const bytes = encodeBatches(batches);
    const cursor = new RecordCursor();
    for (let pos = 0; pos < bytes.length; pos += batchSizeAt(bytes, pos)) {
      cursor.open(bytes, pos, batchSizeAt(bytes, pos));
      while (cursor.next()) if (cursor.offset >= offset && !cursor.isControl) return cursor.timestamp;
    }
    return null;
  }

  async close(): Promise<void> {
    const clients = [this.admin, this.#consumer, this.#producer, ...this.#groupConsumers];
    await Promise.all(clients.map((c) => (c === null ? undefined : c.close().catch(() => undefined))));
  }
}

function baseOptions(settings: KafkaClientSettings): BaseOptions {
  const connection: ConnectionOptions = {
    connectTimeout: settings.connectTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    ...(settings.tls === null ? {} : { tls: settings.tls }),
    ...(settings.sasl === null ? {} : { sasl: { mechanism: settings.sasl.mechanism, username: settings.sasl.username, password: settings.sasl.password } }),
  };
  return {
    ...connection,
    clientId: settings.clientId,
    bootstrapBrokers: [...settings.bootstrap],
    retries: settings.retries,
    retryDelay: settings.retryDelayMs,
    metadataMaxAge: settings.metadataMaxAgeMs,
  };
}
