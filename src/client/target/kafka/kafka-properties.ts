// Client properties for a Kafka cluster, with librdkafka's names (`-X KEY=VALUE`, and the
// `properties` table of a broker profile), turned into @platformatic/kafka's options. Pure: it
// only reads the files that ssl.*.location properties name, and loads no Kafka code, so the CLI
// checks -X before anything is sent. An unknown key is refused with the list of known ones.
import { readFileSync } from 'node:fs';
import { UsageError, errorMessage } from '../../../common/errors.js';

/** The address of a cluster: `kafka://HOST:PORT[,HOST:PORT…]` or `kafka+ssl://…`. */
export interface KafkaAddress {
  bootstrap: string[];
  /** kafka+ssl:// (TLS unless security.protocol says otherwise). */
  ssl: boolean;
}

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/** What the Kafka target needs, in the library's terms but without its types. */
export interface KafkaClientSettings {
  bootstrap: string[];
  clientId: string;
  /** -X client.id was given (else group members name themselves as local ones do). */
  clientIdGiven: boolean;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  retries: number;
  retryDelayMs: number;
  metadataMaxAgeMs: number;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; passphrase?: string; rejectUnauthorized: boolean; checkServerIdentity?: () => undefined } | null;
  sasl: { mechanism: SaslMechanism; username: string; password: string } | null;
  /** The security.protocol in force, for messages. */
  securityProtocol: string;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number | null;
  idempotent: boolean;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

type Setter = (settings: KafkaClientSettings, value: string, key: string, state: ParseState) => void;

interface ParseState {
  securityProtocol: string | null;
  mechanism: SaslMechanism | null;
  username: string | null;
  password: string | null;
  tls: NonNullable<KafkaClientSettings['tls']>;
  tlsTouched: boolean;
}

const PROPERTIES: Record<string, Setter> = {
  'bootstrap.servers': (s, v, k) => s.bootstrap.push(...parseBootstrap(v, `-X ${k}`)),
  'metadata.broker.list': (s, v, k) => s.bootstrap.push(...parseBootstrap(v, `-X ${k}`)),
  'security.protocol': (_s, v, k, st) => {
    const protocol = v.toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) throw new UsageError(`invalid -X ${k}=${v}: use ${SECURITY_PROTOCOLS.join(', ')}`);
    st.securityProtocol = protocol;
  },
  'sasl.mechanism': setMechanism,
  'sasl.mechanisms': setMechanism,
  'sasl.username': (_s, v, _k, st) => void (st.username = v),
  'sasl.password': (_s, v, _k, st) => void (st.password = v),
  'ssl.ca.location': (_s, v, k, st) => tlsFile(st, 'ca', v, k),
  'ssl.certificate.location': (_s, v, k, st) => tlsFile(st, 'cert', v, k),
  'ssl.key.location': (_s, v, k, st) => tlsFile(st, 'key', v, k),
  'ssl.key.password': (_s, v, _k, st) => {
    st.tls.passphrase = v;
    st.tlsTouched = true;
  },
  'enable.ssl.certificate.verification': (_s, v, k, st) => {
    st.tls.rejectUnauthorized = parseBool(v, k);
    st.tlsTouched = true;
  },
  'ssl.endpoint.identification.algorithm': (_s, v, k, st) => {
    if (v !== 'none' && v !== 'https') throw new UsageError(`invalid -X ${k}=${v}: use https or none`);
    if (v === 'none') st.tls.checkServerIdentity = () => undefined;
    st.tlsTouched = true;
  },
  'client.id': (s, v) => {
    s.clientId = v;
    s.clientIdGiven = true;
  },
  'socket.connection.setup.timeout.ms': (s, v, k) => void (s.connectTimeoutMs = parseMs(v, k)),
  'request.timeout.ms': (s, v, k) => void (s.requestTimeoutMs = parseMs(v, k)),
  'socket.timeout.ms': (s, v, k) => void (s.requestTimeoutMs = parseMs(v, k)),
  'retries': (s, v, k) => void (s.retries = parseCount(v, k)),
  'message.send.max.retries': (s, v, k) => void (s.retries = parseCount(v, k)),
  'retry.backoff.ms': (s, v, k) => void (s.retryDelayMs = parseMs(v, k)),
  'metadata.max.age.ms': (s, v, k) => void (s.metadataMaxAgeMs = parseMs(v, k)),
  'topic.metadata.refresh.interval.ms': (s, v, k) => void (s.metadataMaxAgeMs = parseMs(v, k)),
  'heartbeat.interval.ms': (s, v, k) => void (s.heartbeatIntervalMs = parseMs(v, k)),
  'max.poll.interval.ms': (s, v, k) => void (s.rebalanceTimeoutMs = parseMs(v, k)),
  'enable.idempotence': (s, v, k) => void (s.idempotent = parseBool(v, k)),
};

/** Every key -X takes, sorted (for the usage error and the man page). */
export const KAFKA_PROPERTY_KEYS: readonly string[] = Object.keys(PROPERTIES).sort();

/** `kafka://HOST:PORT[,HOST:PORT…]` or `kafka+ssl://…`; null for anything else. */
export function parseKafkaUrl(url: string): KafkaAddress | null {
  const match = /^kafka(\+ssl)?:\/\/(.*)$/.exec(url);
  if (match === null) return null;
  return { ssl: match[1] !== undefined, bootstrap: parseBootstrap(match[2]!.replace(/\/+$/, ''), url) };
}

/** Check `-X` keys and values (a usage error for an unknown key or a bad value). */
export function checkKafkaProperties(properties: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(properties)) {
    if (PROPERTIES[key] === undefined) {
      throw new UsageError(`unknown client property "${key}" (-X takes librdkafka's names: ${KAFKA_PROPERTY_KEYS.join(', ')})`);
    }
  }
}

export function kafkaClientSettings(address: KafkaAddress, properties: Readonly<Record<string, string>>): KafkaClientSettings {
  checkKafkaProperties(properties);
  const settings: KafkaClientSettings = {
    bootstrap: [...address.bootstrap],
    clientId: 'spool',
    clientIdGiven: false,
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: 30_000,
    retries: 3,
    retryDelayMs: 250,
    metadataMaxAgeMs: 5000,
    tls: null,
    sasl: null,
    securityProtocol: address.ssl ? 'SSL' : 'PLAINTEXT',
    heartbeatIntervalMs: 1000,
    rebalanceTimeoutMs: null,
    idempotent: true,
  };
  const state: ParseState = { securityProtocol: null, mechanism: null, username: null, password: null, tls: { rejectUnauthorized: true }, tlsTouched: false };
  for (const [key, value] of Object.entries(properties)) PROPERTIES[key]!(settings, value, key, state);
  const protocol = state.securityProtocol ?? (address.ssl ? (state.mechanism !== null ? 'SASL_SSL' : 'SSL') : state.mechanism !== null ? 'SASL_PLAINTEXT' : 'PLAINTEXT');
  settings.securityProtocol = protocol;
  if (protocol === 'SSL' || protocol === 'SASL_SSL') settings.tls = state.tls;
  else if (state.tlsTouched) throw new UsageError(`ssl.* properties need TLS: use kafka+ssl:// or -X security.protocol=SSL (or SASL_SSL)`);
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    if (state.username === null || state.password === null) throw new UsageError(`security.protocol ${protocol} needs -X sasl.username=… and -X sasl.password=…`);
    settings.sasl = { mechanism: state.mechanism ?? 'PLAIN', username: state.username, password: state.password };
  } else if (state.mechanism !== null || state.username !== null) {
    throw new UsageError(`sasl.* properties need SASL: -X security.protocol=SASL_SSL (or SASL_PLAINTEXT)`);
  }
  if (settings.bootstrap.length === 0) throw new UsageError('no bootstrap address: give kafka://HOST:PORT');
  return settings;
}

function setMechanism(_s: KafkaClientSettings, value: string, key: string, state: ParseState): void {
  const mechanism = value.toUpperCase() as SaslMechanism;
  if (!SASL_MECHANISMS.includes(mechanism)) throw new UsageError(`invalid -X ${key}=${value}: use ${SASL_MECHANISMS.join(', ')}`);
  state.mechanism = mechanism;
}

function tlsFile(state: ParseState, field: 'ca' | 'cert' | 'key', path: string, key: string): void {
  try {
    state.tls[field] = readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read -X ${key}=${path}: ${errorMessage(err)}`);
  }
  state.tlsTouched = true;
}

function parseBootstrap(list: string, what: string): string[] {
  const addresses = list.split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (addresses.length === 0) throw new UsageError(`invalid broker address "${what}": no HOST:PORT in it`);
  for (const address of addresses) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s/]+):(\d{1,5})$/.exec(address);
    if (match === null || Number(match[2]) > 65535 || Number(match[2]) === 0) {
      throw new UsageError(`invalid broker address "${address}" in ${what}: use HOST:PORT`);
    }
  }
  return addresses;
}

function parseMs(value: string, key: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid -X ${key}=${value}: milliseconds, a whole number`);
  return Number(value);
}

function parseCount(value: string, key: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid -X ${key}=${value}: a whole number`);
  return Number(value);
}

function parseBool(value: string, key: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`invalid -X ${key}=${value}: use true or false`);
}
