// What the Kafka listener's handlers use: the broker core (the same logs, parked fetches,
// groups and configs as the Unix socket's handlers) and the identity spool shows Kafka clients.
import type { BrokerContext } from '../broker/broker-context.js';
import type { ClassicGroupCoordinator } from './groups/classic-group-coordinator.js';
import type { KafkaUserStore } from '../storage/kafka-users.js';
import type { SaslState } from './sasl/sasl-state.js';
import type { HostPort } from './listen-address.js';

/** spool is a cluster of one: node 0 leads every partition. */
export const NODE_ID = 0;

export interface KafkaContext {
  readonly broker: BrokerContext;
  readonly clusterId: string;
  /** Where clients are told to connect (metadata, FindCoordinator). */
  readonly advertised: HostPort;
  /** Kafka's classic consumer groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, commits). */
  readonly groups: ClassicGroupCoordinator;
  /** The users SASL checks against; null when the listener does not require SASL. */
  readonly users: KafkaUserStore | null;
}

/** The connection a request came in on, as Kafka handlers see it. */
export interface KafkaSession {
  readonly id: number;
  readonly clientId: string;
  /** The peer's address, as Kafka shows it in group descriptions ("/127.0.0.1"). */
  readonly clientHost: string;
  /** Called once when the connection closes (parked fetches, group members tied to it). */
  onClose(callback: () => void): void;
  /** Its SASL state; null when the listener does not require SASL. */
  readonly sasl: SaslState | null;
  /** Close the connection once the answer to the current request is written (a failed login). */
  closeAfterResponse(): void;
}
