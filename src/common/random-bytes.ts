// Random bytes for ids (the cluster's, a topic's), read from the OS's generator: the broker makes
// its cluster id at its first start, and node:crypto would cost that start some 8 ms to load.
// Where /dev/urandom cannot be read, node:crypto's generator gives them.
import { closeSync, openSync, readSync } from 'node:fs';
import { nodeCrypto } from './node-crypto.js';

export function randomBytes(count: number): Buffer {
  const bytes = Buffer.alloc(count);
  let fd: number;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    return nodeCrypto().randomBytes(count);
  }
  try {
    for (let got = 0; got < count; ) got += readSync(fd, bytes, got, count - got, null);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
