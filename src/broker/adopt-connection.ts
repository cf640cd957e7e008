// Reading an accepted connection straight into the broker's own buffers. A server's connections
// come as sockets that read into a new 64 KiB buffer every time (net.Server takes no `onread`
// option, unlike a client socket); under a stream of produce requests that is sixteen fresh
// buffers per megabyte, and the kernel's copy into memory never touched before faults on every
// page. Measured on this project's machines: 100 MB read that way cost ~190 ms of CPU, read into
// reused memory ~20 ms. So the connection's handle is moved, before anything was read from it, into
// a socket made with `onread`, which reads into the buffers the frame reader hands out.
//
// This leans on two long-standing internals of node:net, a socket's `_handle` and the `handle`
// option of its constructor (the way Node itself wraps handles passed between processes). Where
// they are missing, the accepted socket is kept as it is and read the ordinary way.
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';

interface HandleHolder {
  _handle?: unknown;
}

/**
 * A socket over `accepted`'s connection that reads through `onread`; null when the handle cannot
 * be taken over (then `accepted` is untouched). `accepted` must be paused since it was accepted
 * (the server's pauseOnConnect), so that nothing has been read from it yet.
 */
export function adoptConnection(accepted: Socket, onread: OnReadOpts): Socket | null {
  const holder = accepted as unknown as HandleHolder;
  const handle = holder._handle;
  if (handle === null || typeof handle !== 'object') return null;
  const options: SocketConstructorOpts & { handle: object; onread: OnReadOpts } = { handle, onread, readable: true, writable: true };
  const adopted = new Socket(options);
  // The server counts the accepted socket among its connections until it is destroyed; without
  // its handle, destroying it closes nothing.
  holder._handle = null;
  accepted.destroy();
  return adopted;
}
