// Whole commands timed as a user runs them, for the benchmarks that compare spool with other
// clients (kcat, spool through Kafka's protocol): stdin from the file (`cmd < file`), stdout
// into a file (`cmd > file`), so that no pipe to this process paces a command that writes in
// small pieces; the output is hashed after the clock stops and checked against the input.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { SPOOL_BIN, type BenchBroker } from './bench-kit.js';

export interface Timed {
  ms: number;
  sha256: string;
  bytes: number;
}

export interface Expected {
  sha256: string;
  bytes: number;
}

/** Run `command` with stdin from `input` (or nothing) and stdout into `output` (or nowhere). */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv, input: string | null, output: string | null = null): Promise<Timed> {
  const stdin = input === null ? 'ignore' : openSync(input, 'r');
  const stdout = output === null ? 'ignore' : openSync(output, 'w');
  return new Promise<Timed>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: [stdin, stdout, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      const written = output === null ? Buffer.alloc(0) : readFileSync(output);
      resolve({ ms, sha256: createHash('sha256').update(written).digest('hex'), bytes: written.length });
    });
  }).finally(() => {
    if (typeof stdin === 'number') closeSync(stdin);
    if (typeof stdout === 'number') closeSync(stdout);
  });
}

/** `count` lines of 100 bytes (with the newline), numbered, into `path`. */
export function writeLines(path: string, count: number): Expected {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`${String(i).padStart(10, '0')} ${'x'.repeat(88)}`);
  const text = lines.join('\n') + '\n';
  writeFileSync(path, text);
  return { sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) };
}

export function checkOutput(what: string, got: Timed, want: Expected): void {
  if (got.sha256 !== want.sha256) throw new Error(`${what}: read back ${got.bytes} bytes that differ from the ${want.bytes}-byte input`);
}

/** The HOST:PORT of a bench broker's Kafka listener. */
export function kafkaAddress(broker: BenchBroker): string {
  const status = spawnSync(process.execPath, [SPOOL_BIN, 'broker', 'status', '--json'], { env: broker.env, encoding: 'utf8' });
  return (JSON.parse(status.stdout) as { kafka: string }).kafka;
}
