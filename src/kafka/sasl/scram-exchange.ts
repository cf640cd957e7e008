// The server side of a SCRAM exchange (RFC 5802), as Kafka's ScramSaslServer runs it:
//
//   client-first  = gs2-header client-first-bare     gs2-header "n,," or "n,a=AUTHZID,"
//   client-first-bare = "n=" user ",r=" client-nonce ["," extensions]
//   server-first  = "r=" client-nonce server-nonce ",s=" base64(salt) ",i=" iterations
//   client-final  = "c=" base64(gs2-header) ",r=" nonce ["," extensions] ",p=" base64(proof)
//   server-final  = "v=" base64(HMAC(ServerKey, AuthMessage))
//
// AuthMessage = client-first-bare "," server-first "," client-final-without-proof. The proof is
// ClientKey XOR HMAC(StoredKey, AuthMessage), so H(proof XOR that) must equal StoredKey: the
// password never crosses the wire and is never needed here. Channel binding is not offered.
import { nodeCrypto } from '../../common/node-crypto.js';
import type { KafkaUserStore } from '../../storage/kafka-users.js';
import { digest, hmac, type ScramMechanism } from './scram-credential.js';
import { SaslFailure, invalidCredentials, type SaslExchange, type SaslStep } from './sasl-exchange.js';

interface FirstMessage {
  gs2Header: string;
  bare: string;
  user: string;
  nonce: string;
}

export class ScramExchange implements SaslExchange {
  readonly #mechanism: ScramMechanism;
  readonly #users: KafkaUserStore;
  readonly #serverNonce: () => string;
  #state: { kind: 'first' } | { kind: 'final'; first: FirstMessage; serverFirst: string; nonce: string; storedKey: Buffer; serverKey: Buffer } | { kind: 'done' } = {
    kind: 'first',
  };

  /** `serverNonce`: the server's half of the nonce (random; fixed only by tests of RFC vectors). */
  constructor(mechanism: ScramMechanism, users: KafkaUserStore, serverNonce: () => string = () => nodeCrypto().randomBytes(18).toString('base64')) {
    this.#mechanism = mechanism;
    this.#users = users;
    this.#serverNonce = serverNonce;
  }

  async step(token: Buffer): Promise<SaslStep> {
    const state = this.#state;
    switch (state.kind) {
      case 'first': {
        const first = parseClientFirst(token.toString('utf8'));
        const credential = this.#users.credential(first.user, this.#mechanism);
        if (credential === undefined) throw invalidCredentials(this.#mechanism);
        const nonce = first.nonce + this.#serverNonce();
        const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
        this.#state = { kind: 'final', first, serverFirst, nonce, storedKey: credential.storedKey, serverKey: credential.serverKey };
        return { response: Buffer.from(serverFirst, 'utf8'), user: null };
      }
      case 'final': {
        this.#state = { kind: 'done' };
        const text = token.toString('utf8');
        const proofAt = text.lastIndexOf(',p=');
        if (proofAt < 0) throw new SaslFailure('SCRAM client-final message has no proof');
        const withoutProof = text.slice(0, proofAt);
        const attrs = attributes(withoutProof);
        if (attrs.get('c') !== Buffer.from(state.first.gs2Header, 'utf8').toString('base64')) throw new SaslFailure('SCRAM channel binding does not match');
        // Kafka checks that the nonce ends with the server's, not that it equals it, and
        // librdkafka (2.0) relies on that: it sends its own nonce in front once more.
        if (!(attrs.get('r') ?? '').endsWith(state.nonce)) throw new SaslFailure('SCRAM nonce does not match');
        const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
        const authMessage = `${state.first.bare},${state.serverFirst},${withoutProof}`;
        const signature = hmac(this.#mechanism, state.storedKey, authMessage);
        if (proof.length !== signature.length) throw invalidCredentials(this.#mechanism);
        const clientKey = Buffer.alloc(proof.length);
        for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
        if (!nodeCrypto().timingSafeEqual(digest(this.#mechanism, clientKey), state.storedKey)) throw invalidCredentials(this.#mechanism);
        const serverSignature = hmac(this.#mechanism, state.serverKey, authMessage).toString('base64');
        return { response: Buffer.from(`v=${serverSignature}`, 'utf8'), user: state.first.user };
      }
      case 'done':
        throw new SaslFailure('SCRAM exchange already complete');
    }
  }
}

function parseClientFirst(text: string): FirstMessage {
  // gs2-header: a channel-binding flag, then an optional authzid, each followed by a comma.
  const firstComma = text.indexOf(',');
  const secondComma = text.indexOf(',', firstComma + 1);
  if (firstComma < 0 || secondComma < 0) throw new SaslFailure('invalid SCRAM client-first message');
  const flag = text.slice(0, firstComma);
  if (flag !== 'n' && flag !== 'y') throw new SaslFailure('SCRAM channel binding is not supported');
  const gs2Header = text.slice(0, secondComma + 1);
  const bare = text.slice(secondComma + 1);
  const attrs = attributes(bare);
  const user = attrs.get('n');
  const nonce = attrs.get('r');
  if (user === undefined || nonce === undefined || nonce === '') throw new SaslFailure('invalid SCRAM client-first message');
  const authzid = text.slice(firstComma + 1, secondComma);
  const name = decodeSaslName(user);
  if (authzid !== '' && decodeSaslName(authzid.replace(/^a=/, '')) !== name) throw new SaslFailure('SCRAM authorization id differs from the user name');
  return { gs2Header, bare, user: name, nonce };
}

/** SCRAM escapes "," as "=2C" and "=" as "=3D" in names. */
function decodeSaslName(name: string): string {
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}
