// One broker, two ways in: `local(ARGS)` runs `spool --data-dir D ARGS` (the Unix socket) and
// `remote(ARGS)` runs `spool --data-dir D --broker kafka://HOST:PORT [-X …] ARGS` against the
// same broker's Kafka listener, so the same command's outputs can be compared field by field.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { kafkaSandbox } from './kafka-clients.js';
import { assertExit, type RunOptions, type SpoolResult } from './spool-cli.js';
import { SpoolSandbox } from './spool-sandbox.js';

export class RemotePair {
  readonly sandbox: SpoolSandbox;
  /** The --broker URL and -X arguments remote commands get. */
  readonly brokerArgs: readonly string[];

  constructor(sandbox: SpoolSandbox, brokerArgs: readonly string[]) {
    this.sandbox = sandbox;
    this.brokerArgs = brokerArgs;
  }

  /** A broker with a plain-text Kafka listener. */
  static async plain(): Promise<RemotePair> {
    const { sandbox, bootstrap } = await kafkaSandbox();
    return new RemotePair(sandbox, ['--broker', `kafka://${bootstrap}`]);
  }

  local(args: readonly string[], options: RunOptions = {}): Promise<SpoolResult> {
    return this.sandbox.run(args, options);
  }

  remote(args: readonly string[], options: RunOptions = {}): Promise<SpoolResult> {
    return this.sandbox.run([...this.brokerArgs, ...args], options);
  }

  /** The command both ways: same exit code, and stdout (and stderr) as `normalize` leaves them. */
  async same(args: readonly string[], options: { input?: string; normalize?: (stdout: string) => string; stderr?: boolean } = {}): Promise<string> {
    const normalize = options.normalize ?? ((s: string) => s);
    const run = options.input === undefined ? {} : { input: options.input };
    const local = await this.local(args, run);
    const remote = await this.remote(args, run);
    assert.equal(remote.code, local.code, `spool ${args.join(' ')}: exit ${remote.code} remotely, ${local.code} locally; stderr: ${remote.stderr} / ${local.stderr}`);
    assert.equal(normalize(remote.stdout.toString('utf8')), normalize(local.stdout.toString('utf8')), `spool ${args.join(' ')}: stdout differs`);
    if (options.stderr === true) assert.equal(remote.stderr, local.stderr, `spool ${args.join(' ')}: stderr differs`);
    return local.stdout.toString('utf8');
  }

  async cleanup(): Promise<void> {
    await this.sandbox.cleanup();
  }
}

/** Run and require exit 0; the stdout as text. */
export async function ok(run: Promise<SpoolResult>, what: string): Promise<string> {
  const result = await run;
  assertExit(result, 0, what);
  return result.stdout.toString('utf8');
}

/** A CA and a certificate for 127.0.0.1 signed by it, in `dir` (ca.pem, broker.pem, broker.key). */
export function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=spool test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'broker.key', '-out', 'broker.csr');
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost\\n" > san.ext'], { cwd: dir });
  openssl('x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'broker.pem');
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'broker.pem'), key: join(dir, 'broker.key') };
}

/** JSON with the fields a cluster cannot know replaced, for comparing with the local answer. */
export function withoutUnknowable(json: string, fields: readonly string[]): string {
  return JSON.stringify(
    JSON.parse(json, (key, value: unknown) => (fields.includes(key) ? '(unknown remotely)' : value)),
  );
}
