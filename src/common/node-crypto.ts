// node:crypto, required on first use: loading it costs a process some 8 ms, and the broker's
// start needs none of it (ids come from common/random-bytes.ts); SASL, compaction's key digests
// and Kafka member ids load it when they first run.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  return (loaded ??= require('node:crypto') as typeof import('node:crypto'));
}
