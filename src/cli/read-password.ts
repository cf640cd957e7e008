// A password for `spool broker user add`: the whole of stdin with --password-stdin (one trailing
// newline dropped, as `docker login --password-stdin` does), else typed at a terminal without
// echo. Without a terminal and without the flag it is a usage error: never prompt blind.
import type { Readable } from 'node:stream';
import { UsageError } from '../common/errors.js';
import type { CliIo } from '../term/io.js';

export async function readPassword(io: CliIo, fromStdin: boolean, prompt: string): Promise<string> {
  const password = fromStdin ? await readAll(io.stdin) : await promptHidden(io, prompt);
  if (password === '') throw new UsageError('the password is empty');
  return password;
}

async function readAll(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin as Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
  if (stdin.isTTY !== true || stdin.setRawMode === undefined) {
    return Promise.reject(new UsageError('no terminal to type a password on: pipe it in with --password-stdin'));
  }
  const setRawMode = stdin.setRawMode.bind(stdin);
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error: Error | null) => {
      stdin.off('data', onData);
      setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error === null) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
