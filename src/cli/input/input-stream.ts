// The bytes `produce` reads: a file (--file, or stdin redirected from a file) in 1 MiB reads, a
// pipe or socket as it comes (pipe-chunks.ts), or a terminal's stdin stream. Chunks land in two buffers used in turn, slots of the
// producer's arena when it has them to spare (records are then framed out of them without a view
// object per copy; see common/byte-arena.ts): a file's next read runs while the current chunk is
// cut into messages, and a chunk's memory is read into again two chunks later, so the consumer
// must be done with a chunk when it asks for the one after next (MessageSplitter copies what it
// keeps of a chunk when it is used up).
import { close, fstatSync, open, read, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { isatty } from 'node:tty';
import type { ByteArena } from '../../common/byte-arena.js';
import type { CliIo } from '../../term/io.js';
import { pipeChunks } from './pipe-chunks.js';

const FILE_CHUNK_BYTES = 1 << 20;

/** The input, chunk by chunk; leaving the loop early closes it. */
export type InputChunks = AsyncGenerator<Buffer, void, undefined>;

export function openInput(io: CliIo, file: string | undefined, memory: ByteArena | null = null): InputChunks {
  if (file !== undefined) return fileChunks(openFile(file), true, memory);
  const fd = io.stdinFd;
  const kind = fd === null ? 'other' : descriptorKind(fd);
  if (kind === 'file') return fileChunks(Promise.resolve(fd!), false, memory);
  if (kind === 'pipe') return pipedChunks(fd!, memory);
  return streamChunks(io.stdin, memory);
}

/**
 * The size of the input when it is a regular file (--file, or stdin redirected from one), else
 * null: a pipe's or a terminal's length is not known in advance.
 */
export function inputFileBytes(io: CliIo, file: string | undefined): number | null {
  try {
    const stat = file !== undefined ? statSync(file) : io.stdinFd === null ? null : fstatSync(io.stdinFd);
    return stat?.isFile() === true ? stat.size : null;
  } catch {
    // Reading it will say what is wrong.
    return null;
  }
}

/** Whether stdin is a terminal (then every line is sent at once). */
export function stdinIsTerminal(io: CliIo): boolean {
  return io.stdinFd === null ? io.stdin.isTTY === true : isatty(io.stdinFd);
}

function descriptorKind(fd: number): 'file' | 'pipe' | 'other' {
  try {
    const stat = fstatSync(fd);
    if (stat.isFile()) return 'file';
    return stat.isFIFO() || stat.isSocket() ? 'pipe' : 'other';
  } catch {
    return 'other';
  }
}

/** Two buffers of at least `bytes` (slots of `memory` when it has two free), and how to give them back. */
function twoBuffers(memory: ByteArena | null, bytes: number): { buffers: [Buffer, Buffer]; giveBack: () => void } {
  const own = () => Buffer.allocUnsafeSlow(bytes);
  if (memory === null || memory.slotBytes < bytes || memory.freeSlots < 2) return { buffers: [own(), own()], giveBack: () => {} };
  const buffers: [Buffer, Buffer] = [memory.take()!, memory.take()!];
  return { buffers, giveBack: () => buffers.forEach((b) => memory.give(b)) };
}

/** Reads one chunk ahead: the next read runs on the thread pool while the caller uses this one. */
async function* fileChunks(opening: Promise<number>, owned: boolean, memory: ByteArena | null): InputChunks {
  const fd = await opening;
  const { buffers, giveBack } = twoBuffers(memory, FILE_CHUNK_BYTES);
  let which = 0;
  let pending = readInto(fd, buffers[which]!);
  try {
    for (;;) {
      const bytes = await pending;
      if (bytes === 0) return;
      const chunk = buffers[which]!.subarray(0, bytes);
      which ^= 1;
      pending = readInto(fd, buffers[which]!);
      yield chunk;
    }
  } finally {
    // The read still running writes into a buffer and uses the descriptor: let it end first.
    await pending.catch(() => 0);
    giveBack();
    if (owned) close(fd, () => {});
  }
}

async function* pipedChunks(fd: number, memory: ByteArena | null): InputChunks {
  const { buffers, giveBack } = twoBuffers(memory, memory?.slotBytes ?? FILE_CHUNK_BYTES);
  try {
    yield* pipeChunks(fd, buffers);
  } finally {
    giveBack();
  }
}

/**
 * A stream's chunks, each copied into the arena's slots in turn (one copy of 64 KiB saves a view
 * object per message); as they come when there is no arena, or for a chunk larger than a slot.
 */
async function* streamChunks(stream: Readable, memory: ByteArena | null): InputChunks {
  const { buffers, giveBack } = memory === null ? { buffers: null, giveBack: () => {} } : twoBuffers(memory, memory.slotBytes);
  let which = 0;
  try {
    for await (const data of stream) {
      const chunk = data as Buffer;
      const target = buffers?.[which];
      if (target === undefined || chunk.length > target.length) {
        yield chunk;
        continue;
      }
      chunk.copy(target, 0);
      which ^= 1;
      yield target.subarray(0, chunk.length);
    }
  } finally {
    stream.destroy();
    giveBack();
  }
}

function openFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'r', (err, fd) => (err === null ? resolve(fd) : reject(err))));
}

function readInto(fd: number, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, 0, buf.length, null, (err, bytes) => (err === null ? resolve(bytes) : reject(err))));
}
