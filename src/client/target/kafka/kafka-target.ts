// KafkaTarget: a Kafka cluster as a Target (SPEC §9), through @platformatic/kafka. This module
// and the library load only when a kafka:// broker is used. Opening checks that a broker of the
// cluster answers within the connect timeout (exit 3 naming the addresses otherwise, exit 1 for
// refused credentials). Lost connections are the library's to mend; reconnect() only waits
// until the cluster answers again.
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerUnavailableError, errorMessage } from '../../../common/errors.js';
import type { ConsumerOptions } from '../../consumer.js';
import type { MembershipOptions } from '../../group-membership.js';
import type { GroupMember, RecordFetcher, RecordProducer, RecordProducerOptions, Target, TargetEvent } from '../target.js';
import { KafkaAdmin } from './kafka-admin.js';
import { KafkaCluster } from './kafka-cluster.js';
import { KafkaFetcher } from './kafka-fetcher.js';
import { KafkaGroupMember } from './kafka-group-member.js';
import { kafkaClientSettings, type KafkaAddress } from './kafka-properties.js';
import { KafkaProducer } from './kafka-producer.js';

const RECHECK_INTERVAL_MS = 500;

export class KafkaTarget implements Target {
  readonly address: string;
  readonly admin: KafkaAdmin;
  readonly #cluster: KafkaCluster;
  onEvent: (event: TargetEvent) => void = () => {};

  private constructor(cluster: KafkaCluster) {
    this.#cluster = cluster;
    this.address = `kafka://${cluster.bootstrap.join(',')}`;
    this.admin = new KafkaAdmin(cluster);
  }

  static async connect(address: KafkaAddress, properties: Readonly<Record<string, string>>): Promise<KafkaTarget> {
    const cluster = new KafkaCluster(kafkaClientSettings(address, properties));
    try {
      await cluster.check();
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return new KafkaTarget(cluster);
  }

  producer(options: RecordProducerOptions): Promise<RecordProducer> {
    return Promise.resolve(new KafkaProducer(this.#cluster, options));
  }

  fetcher(options: ConsumerOptions): RecordFetcher {
    return new KafkaFetcher(this.#cluster, options);
  }

  groupMember(options: MembershipOptions): GroupMember {
    return new KafkaGroupMember(this.#cluster, options);
  }

  async reconnect(lost: BrokerUnavailableError, signal: AbortSignal): Promise<boolean> {
    this.onEvent({ kind: 'lost', reason: errorMessage(lost) });
    for (;;) {
      if (signal.aborted) return false;
      const back = await this.#cluster.check().then(
        () => true,
        () => false,
      );
      if (back) {
        this.onEvent({ kind: 'back' });
        return true;
      }
      await sleep(RECHECK_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    return this.#cluster.close();
  }
}
