// SASL/PLAIN (RFC 4616): one token, "[authzid] NUL user NUL password". spool keeps no
// passwords, so the password is checked against the user's SCRAM keys: derived with the stored
// salt and iteration count (SCRAM-SHA-512's if the user has them, else SCRAM-SHA-256's) and
// compared with the stored key.
import { nodeCrypto } from '../../common/node-crypto.js';
import type { KafkaUserStore } from '../../storage/kafka-users.js';
import { keysFromSaltedPassword, saltedPassword, type ScramMechanism } from './scram-credential.js';
import { SaslFailure, invalidCredentials, type SaslExchange, type SaslStep } from './sasl-exchange.js';

const CHECKED_AGAINST: readonly ScramMechanism[] = ['SCRAM-SHA-512', 'SCRAM-SHA-256'];

export class PlainExchange implements SaslExchange {
  readonly #users: KafkaUserStore;
  #done = false;

  constructor(users: KafkaUserStore) {
    this.#users = users;
  }

  async step(token: Buffer): Promise<SaslStep> {
    if (this.#done) throw new SaslFailure('PLAIN exchange already complete');
    this.#done = true;
    const first = token.indexOf(0);
    const second = first < 0 ? -1 : token.indexOf(0, first + 1);
    if (first < 0 || second < 0) throw new SaslFailure('invalid SASL/PLAIN message: expected [authzid] NUL user NUL password');
    const authzid = token.subarray(0, first).toString('utf8');
    const user = token.subarray(first + 1, second).toString('utf8');
    const password = token.subarray(second + 1).toString('utf8');
    if (user === '' || password === '') throw new SaslFailure('invalid SASL/PLAIN message: empty user name or password');
    if (authzid !== '' && authzid !== user) throw new SaslFailure('SASL/PLAIN authorization id differs from the user name');
    for (const mechanism of CHECKED_AGAINST) {
      const credential = this.#users.credential(user, mechanism);
      if (credential === undefined) continue;
      const salted = await saltedPassword(mechanism, password, credential.salt, credential.iterations);
      if (!nodeCrypto().timingSafeEqual(keysFromSaltedPassword(mechanism, salted).storedKey, credential.storedKey)) break;
      return { response: Buffer.alloc(0), user };
    }
    throw invalidCredentials('PLAIN');
  }
}
