// A do-nothing stand-in for spool's three processes in the latency case, to measure what this
// machine itself costs a line that crosses three Node processes: `relay.js hub PATH` accepts two
// connections on a Unix socket and passes everything the first sends to the second (the broker's
// place); `relay.js in PATH` passes its stdin to the hub (produce's place); `relay.js out PATH`
// passes what the hub sends to its stdout (tail's place). No parsing, no storage, no batching:
// bytes are written on as they are read.
import { createServer, connect, type Socket } from 'node:net';

const [role, path] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: relay.js hub|in|out SOCKET');

if (role === 'hub') {
  // The first byte of a connection says which end it is: `i` for in, `o` for out.
  let out: Socket | null = null;
  const early: Buffer[] = [];
  createServer((socket) => {
    socket.once('data', (first: Buffer) => {
      if (first[0] === 0x6f /* o */) {
        out = socket;
        for (const chunk of early) out.write(chunk);
        return;
      }
      const pass = (chunk: Buffer) => (out === null ? early.push(chunk) : out.write(chunk));
      if (first.length > 1) pass(first.subarray(1));
      socket.on('data', pass);
    });
  }).listen(path, () => process.stdout.write('listening\n'));
} else if (role === 'in') {
  const socket = connect(path, () => {
    socket.write('i');
    process.stdin.on('data', (chunk: Buffer) => socket.write(chunk));
    process.stdin.on('end', () => socket.end());
  });
} else if (role === 'out') {
  const socket = connect(path, () => {
    socket.write('o');
    socket.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  });
} else {
  throw new Error(`unknown role ${role}`);
}
