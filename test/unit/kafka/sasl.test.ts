// kafka > SASL: the server side of SCRAM against RFC 7677's SHA-256 example, SCRAM-SHA-512 and
// PLAIN against keys made by scramKeys(), and refusals that carry no secret.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { PlainExchange } from '../../../src/kafka/sasl/plain-exchange.js';
import { SaslFailure } from '../../../src/kafka/sasl/sasl-exchange.js';
import { keysFromSaltedPassword, scramKeys, type ScramMechanism } from '../../../src/kafka/sasl/scram-credential.js';
import { ScramExchange } from '../../../src/kafka/sasl/scram-exchange.js';
import { openDatabase, type SqliteDatabase } from '../../../src/storage/database.js';
import { KafkaUserStore } from '../../../src/storage/kafka-users.js';

/** A SCRAM client, as RFC 5802 describes it, to drive the server with. */
function clientFinal(mechanism: ScramMechanism, password: string, clientFirstBare: string, serverFirst: string): { message: string; serverSignature: string } {
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  const attrs = new Map(serverFirst.split(',').map((p) => [p[0]!, p.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')), hash === 'sha256' ? 32 : 64, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs.get('r')}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = createHmac(hash, storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  const serverKey = createHmac(hash, salted).update('Server Key').digest();
  return { message: `${withoutProof},p=${proof.toString('base64')}`, serverSignature: `v=${createHmac(hash, serverKey).update(authMessage).digest('base64')}` };
}

async function refusal(run: () => Promise<unknown>): Promise<SaslFailure> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof SaslFailure, `expected a SaslFailure, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

describe('kafka > SASL', () => {
  let dir: string;
  let db: SqliteDatabase;
  let users: KafkaUserStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spool-sasl-'));
    db = openDatabase(join(dir, 'index.db'));
    users = new KafkaUserStore(db);
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      users.save({ name: 'alice', mechanism, ...(await scramKeys(mechanism, 'wonderland')), createdMs: 1 });
    }
    users.save({ name: 'bob', mechanism: 'SCRAM-SHA-256', ...(await scramKeys('SCRAM-SHA-256', 'builder')), createdMs: 1 });
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("SCRAM-SHA-256 follows RFC 7677's example exchange byte for byte", async () => {
    // RFC 7677 section 3: user "user", password "pencil".
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const salted = pbkdf2Sync('pencil', salt, 4096, 32, 'sha256');
    users.save({ name: 'user', mechanism: 'SCRAM-SHA-256', salt, iterations: 4096, ...keysFromSaltedPassword('SCRAM-SHA-256', salted), createdMs: 1 });
    const server = new ScramExchange('SCRAM-SHA-256', users, () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
    const first = await server.step(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    assert.equal(first.response.toString(), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    assert.equal(first.user, null);
    const final = await server.step(Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
    assert.equal(final.response.toString(), 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    assert.equal(final.user, 'user');
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    test(`${mechanism}: the right password is accepted and the server proves it knows the keys`, async () => {
      const server = new ScramExchange(mechanism, users);
      const bare = `n=alice,r=${randomBytes(12).toString('base64')}`;
      const serverFirst = (await server.step(Buffer.from(`n,,${bare}`))).response.toString();
      const { message, serverSignature } = clientFinal(mechanism, 'wonderland', bare, serverFirst);
      const final = await server.step(Buffer.from(message));
      assert.equal(final.user, 'alice');
      assert.equal(final.response.toString(), serverSignature);
    });

    test(`${mechanism}: a wrong password or an unknown user is SASL_AUTHENTICATION_FAILED, the message without secrets`, async () => {
      const server = new ScramExchange(mechanism, users);
      const bare = `n=alice,r=${randomBytes(12).toString('base64')}`;
      const serverFirst = (await server.step(Buffer.from(`n,,${bare}`))).response.toString();
      const { message } = clientFinal(mechanism, 'wonderlanD', bare, serverFirst);
      const err = await refusal(() => server.step(Buffer.from(message)));
      assert.equal(err.code, ErrorCode.SaslAuthenticationFailed);
      assert.match(err.message, new RegExp(`invalid credentials with SASL mechanism ${mechanism}`));
      assert.doesNotMatch(err.message, /wonderlan/);
      const unknown = await refusal(() => new ScramExchange(mechanism, users).step(Buffer.from('n,,n=mallory,r=abc')));
      assert.equal(unknown.message, err.message, 'an unknown user reads like a wrong password');
    });
  }

  test('a tampered nonce or channel binding is refused', async () => {
    const server = new ScramExchange('SCRAM-SHA-256', users);
    const bare = 'n=alice,r=clientnonce';
    const serverFirst = (await server.step(Buffer.from(`n,,${bare}`))).response.toString();
    const { message } = clientFinal('SCRAM-SHA-256', 'wonderland', bare, serverFirst);
    await refusal(() => server.step(Buffer.from(message.replace(/r=clientnonce[^,]*/, 'r=clientnonce'))));
    await refusal(() => new ScramExchange('SCRAM-SHA-256', users).step(Buffer.from('p=tls-unique,,n=alice,r=x')));
  });

  test('PLAIN is checked against the SCRAM-SHA-512 keys, else the SCRAM-SHA-256 ones', async () => {
    assert.equal((await new PlainExchange(users).step(Buffer.from('\0alice\0wonderland'))).user, 'alice');
    assert.equal((await new PlainExchange(users).step(Buffer.from('bob\0bob\0builder'))).user, 'bob');
    const wrong = await refusal(() => new PlainExchange(users).step(Buffer.from('\0alice\0builder')));
    assert.equal(wrong.code, ErrorCode.SaslAuthenticationFailed);
    assert.doesNotMatch(wrong.message, /builder/);
    await refusal(() => new PlainExchange(users).step(Buffer.from('\0nobody\0builder')));
    await refusal(() => new PlainExchange(users).step(Buffer.from('eve\0alice\0wonderland')));
    await refusal(() => new PlainExchange(users).step(Buffer.from('no separators')));
  });

  test('only keys are stored: no column holds the password', () => {
    for (const row of users.all()) {
      for (const value of Object.values(row)) assert.ok(!String(value).includes('wonderland') && !Buffer.from(String(value)).includes('wonderland'));
      assert.ok(row.iterations >= 4096);
    }
  });
});
