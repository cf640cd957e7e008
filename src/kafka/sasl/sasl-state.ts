// A connection's SASL state on a listener that requires authentication (--kafka-sasl): which
// mechanism the client chose (SaslHandshake), the exchange under way (SaslAuthenticate, or raw
// tokens after a version 0 handshake), and who it authenticated as. Until then the connection
// serves only ApiVersions, SaslHandshake and SaslAuthenticate.
import type { KafkaUserStore } from '../../storage/kafka-users.js';
import { PlainExchange } from './plain-exchange.js';
import { isScramMechanism } from './scram-credential.js';
import { ScramExchange } from './scram-exchange.js';
import type { SaslExchange } from './sasl-exchange.js';

export const SASL_MECHANISMS: readonly string[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** What a connection may send before it has authenticated: ApiVersions, SaslHandshake, SaslAuthenticate. */
export const SERVED_BEFORE_AUTHENTICATION: ReadonlySet<number> = new Set([18, 17, 36]);

export class SaslState {
  readonly #users: KafkaUserStore;
  mechanism: string | null = null;
  exchange: SaslExchange | null = null;
  /** After a SaslHandshake v0 the tokens come unframed, each as int32 length + bytes. */
  rawTokens = false;
  user: string | null = null;

  constructor(users: KafkaUserStore) {
    this.#users = users;
  }

  get authenticated(): boolean {
    return this.user !== null;
  }

  /** Start an exchange with `mechanism`; false when spool does not offer it. */
  begin(mechanism: string, rawTokens: boolean): boolean {
    if (!SASL_MECHANISMS.includes(mechanism)) return false;
    this.mechanism = mechanism;
    this.exchange = isScramMechanism(mechanism) ? new ScramExchange(mechanism, this.#users) : new PlainExchange(this.#users);
    this.rawTokens = rawTokens;
    return true;
  }

  /** The exchange finished: `user` is who the connection acts for from now on. */
  complete(user: string): void {
    this.user = user;
    this.exchange = null;
    this.rawTokens = false;
  }
}
