// The CLI's streams and environment, injected so commands never reach for `process` directly
// and tests can run the program with their own streams.
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  /** The descriptor behind stdin (0), or null when stdin is a stream given by a test. */
  stdinFd: number | null;
  stdout: Writable & { isTTY?: boolean; columns?: number };
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
    // Created on first access too: a pipe's stream loads node:net, which --version never needs.
    get stderr() {
      return process.stderr;
    },
    env: process.env,
  };
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
