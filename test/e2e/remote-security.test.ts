// e2e: remote mode (SPEC §9) over SASL/SCRAM and TLS, against `spool broker start --kafka
// --kafka-sasl [--kafka-tls-cert …]`: the commands answer as through the local socket once
// logged in with -X; a wrong password exits 1 saying the login failed; a client that does not
// trust the broker's certificate fails in one line. And librdkafka's mock cluster of three
// brokers: the client library cannot speak to it (it answers ApiVersions v3 with
// UNSUPPORTED_VERSION, and the library does not fall back to v0), which spool says in one line.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { PYTHON, haveLibrdkafka } from '../helpers/kafka-clients.js';
import { RemotePair, makeCertificates, ok } from '../helpers/remote-pair.js';
import { PROJECT_ROOT, assertOneErrorLine, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';
import { join } from 'node:path';

const PASSWORD = 'correct horse battery staple';
// shared/ lies beside the project (a clone) or two levels up (a worktree of it).
const MOCK_CLUSTER =
  [join(PROJECT_ROOT, '..', 'shared'), join(PROJECT_ROOT, '..', '..', 'shared')].map((dir) => join(dir, 'tools', 'kafka-mock-cluster.py')).find((path) => existsSync(path)) ?? '';

async function commandsAnswerAsLocally(pair: RemotePair): Promise<void> {
  await ok(pair.remote(['topic', 'create', 'secure', '-p', '2']), 'create');
  await ok(pair.remote(['produce', 'secure', '-K', ':'], { input: 'a:1\nb:2\nc:3\n' }), 'produce');
  await pair.same(['consume', 'secure', '-e', '-f', 'json']);
  await pair.same(['topic', 'offsets', 'secure', '--json']);
  assert.equal(stdoutLines(await pair.remote(['consume', 'secure', '-g', 'safe', '-e'])).length, 3);
  await pair.same(['group', 'list', '--json']);
}

describe('e2e > remote mode > SASL/SCRAM and TLS', () => {
  let sasl: RemotePair;
  let tls: RemotePair;
  let caFile = '';

  before(async () => {
    const plain = await SpoolSandbox.create();
    await ok(plain.run(['broker', 'user', 'add', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` }), 'user add');
    const broker = await plain.startBroker(['--kafka', '127.0.0.1:0', '--kafka-sasl']);
    sasl = new RemotePair(plain, [
      '--broker', `kafka://${broker.kafka!}`,
      '-X', 'security.protocol=SASL_PLAINTEXT',
      '-X', 'sasl.mechanism=SCRAM-SHA-256',
      '-X', 'sasl.username=alice',
      '-X', `sasl.password=${PASSWORD}`,
    ]);

    const secure = await SpoolSandbox.create();
    const certs = makeCertificates(secure.dir);
    caFile = certs.ca;
    await ok(secure.run(['broker', 'user', 'add', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` }), 'user add (tls)');
    const tlsBroker = await secure.startBroker(['--kafka', '127.0.0.1:0', '--kafka-sasl', '--kafka-tls-cert', certs.cert, '--kafka-tls-key', certs.key]);
    tls = new RemotePair(secure, [
      '--broker', `kafka+ssl://${tlsBroker.kafka!}`,
      '-X', `ssl.ca.location=${certs.ca}`,
      '-X', 'sasl.mechanism=SCRAM-SHA-512',
      '-X', 'sasl.username=alice',
      '-X', `sasl.password=${PASSWORD}`,
    ]);
  });

  after(async () => {
    await sasl?.cleanup();
    await tls?.cleanup();
  });

  test('SASL/SCRAM-SHA-256: the commands answer as locally; a wrong password exits 1 saying the login failed', async () => {
    await commandsAnswerAsLocally(sasl);
    const wrong = sasl.brokerArgs.map((a) => (a.startsWith('sasl.password=') ? 'sasl.password=wrong' : a));
    const line = assertOneErrorLine(await sasl.sandbox.run([...wrong, 'topic', 'list']), 1, 'wrong password');
    assert.match(line, /^spool: authentication failed at 127\.0\.0\.1:\d+: .*\(check -X sasl\.mechanism, sasl\.username and sasl\.password\)$/);
    // Without SASL the listener closes the connection: the client sees no broker (exit 3).
    assertOneErrorLine(await sasl.sandbox.run([sasl.brokerArgs[0]!, sasl.brokerArgs[1]!, '-X', 'socket.connection.setup.timeout.ms=3000', 'topic', 'list']), 3, 'no SASL');
  });

  test('SASL_SSL with SCRAM-SHA-512 and the CA: the commands answer as locally; without the CA the certificate is refused', async () => {
    await commandsAnswerAsLocally(tls);
    const withoutCa = tls.brokerArgs.filter((a, i) => !(a.startsWith('ssl.ca.location=') || tls.brokerArgs[i + 1]?.startsWith('ssl.ca.location=')));
    const result = await tls.sandbox.run([...withoutCa, '-X', 'socket.connection.setup.timeout.ms=3000', 'topic', 'list']);
    assert.ok(result.code === 1 || result.code === 3, `exit 1 or 3, got ${result.code}`);
    assert.match(assertOneErrorLine(result, result.code!), /certificate|self[- ]signed|verify/i);
    assert.ok(caFile !== '');
  });

  test("librdkafka's 3-broker mock cluster: the client library cannot negotiate with it, and spool says so in one line", { skip: MOCK_CLUSTER === '' || !existsSync(PYTHON) || !haveLibrdkafka() }, async () => {
    const mock = spawn(PYTHON, [MOCK_CLUSTER, '3'], { stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      const brokers = await new Promise<string>((resolve, reject) => {
        let out = '';
        mock.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /BROKERS=(\S+)/.exec(out);
          if (match !== null) resolve(match[1]!);
        });
        mock.once('exit', () => reject(new Error(`the mock cluster exited: ${out}`)));
      });
      assert.equal(brokers.split(',').length, 3);
      const result = await sasl.sandbox.run(['--broker', `kafka://${brokers}`, '-X', 'socket.connection.setup.timeout.ms=3000', 'topic', 'list']);
      const line = assertOneErrorLine(result, 1, 'against the mock cluster');
      assert.match(line, /UNSUPPORTED_VERSION|does not speak/i);
    } finally {
      mock.stdin.end(); // closing stdin stops it
      await new Promise<void>((resolve) => (mock.exitCode !== null ? resolve() : mock.once('exit', () => resolve())));
    }
  });
});
