// e2e: the Kafka listener's security. Users from `spool broker user add|list|remove` log in with
// SASL/PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (kcat/librdkafka and kafkajs); a wrong password is
// refused with SASL_AUTHENTICATION_FAILED and the connection closed; nothing but the SASL APIs
// is served before a login (raw socket); TLS with a throwaway CA; a plain-text client on the
// TLS port fails cleanly; no password ever reaches broker.log; a non-loopback listener needs
// SASL or --kafka-insecure.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { API_VERSIONS } from '../../src/kafka/protocol/apis/api-versions.js';
import { METADATA } from '../../src/kafka/protocol/apis/metadata.js';
import { SASL_AUTHENTICATE, type SaslAuthenticateResponse } from '../../src/kafka/protocol/apis/sasl-authenticate.js';
import { SASL_HANDSHAKE, type SaslHandshakeResponse } from '../../src/kafka/protocol/apis/sasl-handshake.js';
import { haveKcat, kafkaSandbox, runKcat } from '../helpers/kafka-clients.js';
import { RawClient } from '../helpers/kafka-raw-client.js';
import { assertExit, assertOneErrorLine } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const PASSWORD = 'correct-horse-7f3a';
const WRONG = 'wrong-battery-91cd';
const SASL_AUTHENTICATION_FAILED = 58;

function kafkajs(bootstrap: string, sasl: SASLOptions, ssl?: { ca: string }) {
  return new Kafka({ brokers: [bootstrap], clientId: 'kafkajs-sasl', logLevel: logLevel.NOTHING, sasl, ...(ssl === undefined ? {} : { ssl: { ca: [ssl.ca] } }), retry: { retries: 0 } });
}

describe('e2e > kafka > SASL and TLS', () => {
  let sandbox: SpoolSandbox;
  let bootstrap: string;

  before(async () => {
    const plain = await SpoolSandbox.create();
    // Users are managed on the data dir before any broker runs.
    assertExit(await plain.run(['broker', 'user', 'add', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` }), 0, 'user add alice');
    assertExit(await plain.run(['broker', 'user', 'add', 'bob', '--password-stdin', '--mechanism', 'SCRAM-SHA-256'], { input: WRONG }), 0);
    await plain.cleanup();
    ({ sandbox, bootstrap } = await kafkaSandbox(['--kafka-sasl']));
    assertExit(await sandbox.run(['broker', 'user', 'add', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` }), 0, 'user add alice (broker running)');
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test('user add, list and remove work on the data dir; list --json names each user and mechanism', async () => {
    assertExit(await sandbox.run(['broker', 'user', 'add', 'carol', '--password-stdin', '--mechanism', 'SCRAM-SHA-512'], { input: 'carols-pw' }), 0);
    const list = await sandbox.run(['broker', 'user', 'list', '--json']);
    assertExit(list, 0);
    const users = (JSON.parse(list.stdout.toString()) as Array<{ name: string; mechanisms: string[] }>).map(({ name, mechanisms }) => ({ name, mechanisms }));
    assert.deepEqual(users, [
      { name: 'alice', mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] },
      { name: 'carol', mechanisms: ['SCRAM-SHA-512'] },
    ]);
    assertExit(await sandbox.run(['broker', 'user', 'remove', 'carol']), 0);
    assertOneErrorLine(await sandbox.run(['broker', 'user', 'remove', 'carol']), 1, 'removing a missing user');
    assertOneErrorLine(await sandbox.run(['broker', 'user', 'add', 'bad name', '--password-stdin'], { input: 'x' }), 2, 'an invalid user name');
    assertOneErrorLine(await sandbox.run(['broker', 'user', 'add', 'dave']), 2, 'no terminal and no --password-stdin');
  });

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    test(`kcat (librdkafka) logs in with ${mechanism}; a wrong password is refused`, { skip: !haveKcat() }, async () => {
      const props = (password: string) => ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mechanism}`, '-X', 'sasl.username=alice', '-X', `sasl.password=${password}`];
      const ok = await runKcat(bootstrap, ['-L', '-m', '10', ...props(PASSWORD)]);
      assertExit(ok, 0, `kcat -L with ${mechanism}`);
      assert.match(ok.stdout.toString(), /1 brokers:/);
      const refused = await runKcat(bootstrap, ['-L', '-m', '3', ...props(WRONG)]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /SASL authentication error: Authentication failed during authentication due to invalid credentials/);
    });

    test(`kafkajs logs in with ${mechanism}; a wrong password gets SASL_AUTHENTICATION_FAILED`, async () => {
      const lower = mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
      const admin = kafkajs(bootstrap, { mechanism: lower, username: 'alice', password: PASSWORD }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: `made-with-${lower}`, numPartitions: 1 }] });
      assert.ok((await admin.listTopics()).includes(`made-with-${lower}`));
      await admin.disconnect();
      const wrong = kafkajs(bootstrap, { mechanism: lower, username: 'alice', password: WRONG }).admin();
      await assert.rejects(wrong.connect(), (err: Error & { type?: string; name: string }) => err.type === 'SASL_AUTHENTICATION_FAILED' || /SASL_AUTHENTICATION_FAILED|SASL .*authentication failed/i.test(`${err.name} ${err.message}`));
      await wrong.disconnect();
    });
  }

  test('a user added while the broker runs can log in at once; a removed one cannot', async () => {
    assertExit(await sandbox.run(['broker', 'user', 'add', 'erin', '--password-stdin'], { input: 'erins-pw' }), 0);
    const admin = kafkajs(bootstrap, { mechanism: 'scram-sha-512', username: 'erin', password: 'erins-pw' }).admin();
    await admin.connect();
    await admin.listTopics();
    await admin.disconnect();
    assertExit(await sandbox.run(['broker', 'user', 'remove', 'erin']), 0);
    const gone = kafkajs(bootstrap, { mechanism: 'scram-sha-512', username: 'erin', password: 'erins-pw' }).admin();
    await assert.rejects(gone.connect());
    await gone.disconnect();
  });

  test('raw socket: nothing but ApiVersions and SASL is served before a login; a wrong password is answered, then the connection closed', async () => {
    const early = await RawClient.open(bootstrap);
    early.send(METADATA, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    assert.equal(await early.response(METADATA, 12), null, 'no Metadata answer before authentication');
    await early.waitClosed();

    const client = await RawClient.open(bootstrap);
    client.send(API_VERSIONS, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    assert.notEqual(await client.response(API_VERSIONS, 3), null, 'ApiVersions is served before a login');
    client.send(SASL_HANDSHAKE, 1, { mechanism: 'PLAIN' });
    const handshake = await client.response<SaslHandshakeResponse>(SASL_HANDSHAKE, 1);
    assert.deepEqual(handshake, { errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    client.send(SASL_AUTHENTICATE, 2, { authBytes: Buffer.from(`\0alice\0${WRONG}`) });
    const answer = await client.response<SaslAuthenticateResponse>(SASL_AUTHENTICATE, 2);
    assert.equal(answer?.errorCode, SASL_AUTHENTICATION_FAILED);
    assert.match(answer!.errorMessage ?? '', /invalid credentials with SASL mechanism PLAIN/);
    await client.waitClosed();

    const good = await RawClient.open(bootstrap);
    good.send(SASL_HANDSHAKE, 1, { mechanism: 'PLAIN' });
    await good.response(SASL_HANDSHAKE, 1);
    good.send(SASL_AUTHENTICATE, 2, { authBytes: Buffer.from(`\0alice\0${PASSWORD}`) });
    assert.equal((await good.response<SaslAuthenticateResponse>(SASL_AUTHENTICATE, 2))?.errorCode, 0);
    good.send(METADATA, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    assert.notEqual(await good.response(METADATA, 12), null, 'Metadata is served after the login');
    good.destroy();

    // A version 0 handshake: the token follows unframed and is answered unframed.
    const legacy = await RawClient.open(bootstrap);
    legacy.send(SASL_HANDSHAKE, 0, { mechanism: 'PLAIN' });
    assert.equal((await legacy.response<SaslHandshakeResponse>(SASL_HANDSHAKE, 0))?.errorCode, 0);
    legacy.sendRaw(Buffer.from(`\0alice\0${PASSWORD}`));
    assert.deepEqual(await legacy.frame(), Buffer.alloc(0), 'an empty token: PLAIN has nothing more to say');
    legacy.send(METADATA, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    assert.notEqual(await legacy.response(METADATA, 12), null, 'served after an unframed login');
    legacy.destroy();
    const legacyWrong = await RawClient.open(bootstrap);
    legacyWrong.send(SASL_HANDSHAKE, 0, { mechanism: 'PLAIN' });
    await legacyWrong.response(SASL_HANDSHAKE, 0);
    legacyWrong.sendRaw(Buffer.from(`\0alice\0${WRONG}`));
    assert.equal(await legacyWrong.frame(), null, 'a wrong unframed login is closed without an answer');
  });

  test('broker.log names users and refusals but never a password', async () => {
    const log = readFileSync(join(sandbox.dataDir, 'broker.log'), 'utf8');
    assert.match(log, /authenticated as "alice" with SCRAM-SHA-512/);
    assert.match(log, /PLAIN authentication failed/);
    for (const secret of [PASSWORD, WRONG, 'erins-pw', 'carols-pw']) assert.ok(!log.includes(secret), `broker.log must not contain ${secret}`);
    const status = JSON.parse((await sandbox.run(['broker', 'status', '--json'])).stdout.toString()) as { kafkaSecurity: string; kafkaRequests: number };
    assert.equal(status.kafkaSecurity, 'SASL_PLAINTEXT');
    assert.ok(status.kafkaRequests > 0);
  });

  test('TLS: a client with the CA connects (SASL_SSL); a plain-text client fails cleanly and the broker goes on', async () => {
    const tls = await SpoolSandbox.create();
    try {
      const ca = join(tls.dir, 'ca.pem');
      const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: tls.dir, stdio: ['ignore', 'ignore', 'pipe'] });
      openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=spool test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'broker.key', '-out', 'broker.csr');
      execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost\\n" > san.ext'], { cwd: tls.dir });
      openssl('x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'broker.pem');
      assertExit(await tls.run(['broker', 'user', 'add', 'alice', '--password-stdin'], { input: PASSWORD }), 0);
      const broker = await tls.startBroker(['--kafka', '127.0.0.1:0', '--kafka-sasl', '--kafka-tls-cert', join(tls.dir, 'broker.pem'), '--kafka-tls-key', join(tls.dir, 'broker.key')]);
      const address = broker.kafka!;

      const admin = kafkajs(address, { mechanism: 'scram-sha-256', username: 'alice', password: PASSWORD }, { ca: readFileSync(ca, 'utf8') }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'over-tls', numPartitions: 2 }] });
      await admin.disconnect();
      if (haveKcat()) {
        const ok = await runKcat(address, ['-L', '-m', '10', '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${ca}`, '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', `sasl.password=${PASSWORD}`]);
        assertExit(ok, 0, 'kcat over SASL_SSL');
        assert.match(ok.stdout.toString(), /topic "over-tls" with 2 partitions/);
        const plainText = await runKcat(address, ['-L', '-m', '3', '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', `sasl.password=${PASSWORD}`]);
        assert.notEqual(plainText.code, 0, 'a plain-text client cannot use the TLS port');
      }
      const raw = await RawClient.open(address);
      raw.send(API_VERSIONS, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
      assert.equal(await raw.response(API_VERSIONS, 3), null, 'plain text gets no Kafka answer from the TLS port');
      await raw.waitClosed();
      const status = await tls.run(['broker', 'status', '--json']);
      assertExit(status, 0, 'the broker still runs');
      assert.equal((JSON.parse(status.stdout.toString()) as { kafkaSecurity: string }).kafkaSecurity, 'SASL_SSL');
      assert.match(readFileSync(join(tls.dataDir, 'broker.log'), 'utf8'), /failed the TLS handshake/);
    } finally {
      await tls.cleanup();
    }
  });

  test('a listener on a non-loopback address needs --kafka-sasl or --kafka-insecure', async () => {
    const open = await SpoolSandbox.create();
    try {
      const refused = await open.run(['broker', 'start', '--kafka', '0.0.0.0:0']);
      const line = assertOneErrorLine(refused, 2, 'a non-loopback listener without SASL');
      assert.match(line, /^spool: refusing to listen for Kafka clients on 0\.0\.0\.0:0 without authentication: add --kafka-sasl/);
      assertOneErrorLine(await open.run(['broker', 'start', '--kafka-tls-cert', 'x.pem']), 2, 'TLS without --kafka');
      assertOneErrorLine(await open.run(['broker', 'start', '--kafka', '0', '--kafka-tls-cert', 'x.pem']), 2, 'a certificate without its key');
      const broker = await open.startBroker(['--kafka', '0.0.0.0:0', '--kafka-sasl']);
      assert.match(broker.kafka ?? '', /^0\.0\.0\.0:\d+$/);
    } finally {
      await open.cleanup();
    }
  });
});
