// SCRAM credentials (RFC 5802, RFC 7677 for SHA-256; Kafka adds SHA-512): from a password, a
// random salt and an iteration count, the keys a server keeps. The password itself is dropped:
//
//   SaltedPassword = PBKDF2(HMAC-H, password, salt, iterations)
//   ClientKey      = HMAC(SaltedPassword, "Client Key")     (never stored)
//   StoredKey      = H(ClientKey)
//   ServerKey      = HMAC(SaltedPassword, "Server Key")
import { nodeCrypto } from '../../common/node-crypto.js';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** Kafka's default and minimum iteration count for both hashes. */
export const DEFAULT_SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 32;

export interface ScramKeys {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function hashOf(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

export function isScramMechanism(name: string): name is ScramMechanism {
  return (SCRAM_MECHANISMS as readonly string[]).includes(name);
}

export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const hash = hashOf(mechanism);
  const length = hash === 'sha256' ? 32 : 64;
  return new Promise((resolve, reject) => nodeCrypto().pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, length, hash, (err, key) => (err ? reject(err) : resolve(key))));
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return nodeCrypto().createHmac(hashOf(mechanism), key).update(data).digest();
}

export function digest(mechanism: ScramMechanism, data: Buffer): Buffer {
  return nodeCrypto().createHash(hashOf(mechanism)).update(data).digest();
}

export function keysFromSaltedPassword(mechanism: ScramMechanism, salted: Buffer): { storedKey: Buffer; serverKey: Buffer } {
  return { storedKey: digest(mechanism, hmac(mechanism, salted, 'Client Key')), serverKey: hmac(mechanism, salted, 'Server Key') };
}

/** New credentials for a password: a fresh random salt, `iterations` rounds. */
export async function scramKeys(mechanism: ScramMechanism, password: string, iterations = DEFAULT_SCRAM_ITERATIONS): Promise<ScramKeys> {
  const salt = nodeCrypto().randomBytes(SALT_BYTES);
  const salted = await saltedPassword(mechanism, password, salt, iterations);
  return { salt, iterations, ...keysFromSaltedPassword(mechanism, salted) };
}
