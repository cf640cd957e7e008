// stdin when it is a pipe or a socket (`tail -f app.log | spool produce logs`): read with
// net.Socket's `onread` into two buffers used in turn, so a read costs no new Buffer and no trip
// through a Readable stream. Measured on 100 MB piped in 64 KiB pieces (a pipe's capacity): about
// 45 ms of CPU against 220–290 ms for `for await` over process.stdin, which allocates a Buffer per
// read and runs the stream machinery for it.
//
// The socket pauses after every read (the callback returns false) until the consumer asks for the
// next chunk, so the buffer just yielded is not written into while it is being cut into messages;
// like fileChunks, the consumer must be done with a chunk when it asks for the one after next.
import { Socket } from 'node:net';

export type ChunkSource = AsyncGenerator<Buffer, void, undefined>;

export async function* pipeChunks(fd: number, buffers: [Buffer, Buffer]): ChunkSource {
  let which = 0;
  let filled = -1;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  // `onread` is a documented option of net.Socket's constructor that @types/node leaves out.
  const socket = new Socket({
    fd,
    readable: true,
    writable: false,
    onread: {
      buffer: () => buffers[which]!,
      // Node asks for the next read's buffer right after this returns: flip to the other one first.
      callback: (bytes: number) => {
        filled = bytes;
        which ^= 1;
        notify();
        return false;
      },
    },
  } as ConstructorParameters<typeof Socket>[0]);
  socket.on('end', () => {
    ended = true;
    notify();
  });
  socket.on('error', (err) => {
    failure = err;
    notify();
  });
  try {
    for (;;) {
      if (filled < 0 && !ended && failure === null) {
        const arrived = new Promise<void>((resolve) => (wake = resolve));
        socket.resume();
        await arrived;
      }
      if (failure !== null) throw failure;
      if (filled < 0) return;
      const chunk = buffers[which ^ 1]!.subarray(0, filled);
      filled = -1;
      yield chunk;
    }
  } finally {
    socket.destroy();
  }
}
