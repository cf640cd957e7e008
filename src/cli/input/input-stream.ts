// The bytes `produce` reads: a file (--file, or stdin redirected from a file) in 1 MiB reads, or
// stdin as it comes (a pipe or a terminal).
import { createReadStream, fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CliIo } from '../io.js';

const FILE_CHUNK_BYTES = 1 << 20;

export function openInput(io: CliIo, file: string | undefined): Readable {
  if (file !== undefined) return createReadStream(file, { highWaterMark: FILE_CHUNK_BYTES });
  const fd = io.stdin.fd;
  if (fd === 0 && isRegularFile(0)) return createReadStream('', { fd: 0, highWaterMark: FILE_CHUNK_BYTES, autoClose: false });
  return io.stdin;
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}
