// The CLI's streams and environment, injected so commands never reach for `process` directly
// and tests can run the program with their own streams.
import { fstatSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  /** The descriptor behind stdin (0), or null when stdin is a stream given by a test. */
  stdinFd: number | null;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  /** The descriptor behind stdout (1); absent or null when stdout is a stream given by a test. */
  stdoutFd?: number | null;
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    // process.stdin is created on first access (tens of ms); only produce needs it.
    get stdin() {
      return process.stdin;
    },
    stdinFd: 0,
    stdout: process.stdout,
    stdoutFd: 1,
    // Created on first access too: a pipe's stream loads node:net, which --version never needs.
    get stderr() {
      return process.stderr;
    },
    env: process.env,
  };
}

/**
 * Whether stdout takes each write whole or fails it whole: a regular file, /dev/null or a terminal,
 * which Node writes synchronously. A pipe or a socket may take part of a write and then close.
 */
export function stdoutWritesWhole(io: CliIo): boolean {
  if (io.stdoutFd === undefined || io.stdoutFd === null) return false;
  try {
    const stat = fstatSync(io.stdoutFd);
    return stat.isFile() || stat.isCharacterDevice();
  } catch {
    return false;
  }
}

/** Write and wait for the stream to take more when its buffer is full (backpressure). */
export function writeOut(stream: Writable, data: string | Buffer): Promise<void> | undefined {
  if (stream.write(data)) return undefined;
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      stream.off('drain', onDrain);
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
