// The bytes `produce` reads: a file (--file, or stdin redirected from a file) in 1 MiB reads, or
// stdin as it comes (a pipe or a terminal).
import { createReadStream, fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { isatty } from 'node:tty';
import type { CliIo } from '../../term/io.js';

const FILE_CHUNK_BYTES = 1 << 20;

export function openInput(io: CliIo, file: string | undefined): Readable {
  if (file !== undefined) return createReadStream(file, { highWaterMark: FILE_CHUNK_BYTES });
  const fd = io.stdinFd;
  if (fd !== null && isRegularFile(fd)) return createReadStream('', { fd, highWaterMark: FILE_CHUNK_BYTES, autoClose: false });
  return io.stdin;
}

/** Whether stdin is a terminal (then every line is sent at once). */
export function stdinIsTerminal(io: CliIo): boolean {
  return io.stdinFd === null ? io.stdin.isTTY === true : isatty(io.stdinFd);
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}
