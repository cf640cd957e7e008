// -X client properties (librdkafka's names) and kafka:// URLs, turned into the Kafka target's
// settings; anything unknown or malformed is a usage error naming it.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KAFKA_PROPERTY_KEYS, checkKafkaProperties, kafkaClientSettings, parseKafkaUrl } from '../../../src/client/target/kafka/kafka-properties.js';
import { UsageError } from '../../../src/common/errors.js';

const usage = (fn: () => unknown, message: RegExp) => assert.throws(fn, (err: unknown) => err instanceof UsageError && message.test(err.message));

describe('client > kafka target > properties', () => {
  test('kafka:// and kafka+ssl:// URLs give the bootstrap addresses; anything else is not a Kafka URL', () => {
    assert.deepEqual(parseKafkaUrl('kafka://a:9092,b.example.com:9093'), { ssl: false, bootstrap: ['a:9092', 'b.example.com:9093'] });
    assert.deepEqual(parseKafkaUrl('kafka+ssl://[::1]:9093/'), { ssl: true, bootstrap: ['[::1]:9093'] });
    assert.equal(parseKafkaUrl('unix:/tmp/s.sock'), null);
    assert.equal(parseKafkaUrl('http://a:1'), null);
    usage(() => parseKafkaUrl('kafka://a'), /invalid broker address "a"/);
    usage(() => parseKafkaUrl('kafka://a:99999'), /invalid broker address "a:99999"/);
    usage(() => parseKafkaUrl('kafka://'), /no HOST:PORT/);
  });

  test('defaults: plain text, idempotent, a 10 s connect timeout', () => {
    const s = kafkaClientSettings({ ssl: false, bootstrap: ['h:1'] }, {});
    assert.equal(s.securityProtocol, 'PLAINTEXT');
    assert.equal(s.tls, null);
    assert.equal(s.sasl, null);
    assert.equal(s.idempotent, true);
    assert.equal(s.connectTimeoutMs, 10_000);
  });

  test('SASL over TLS from kafka+ssl:// and sasl.*; SCRAM mechanisms; timeouts and client id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spx-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'CA');
      const s = kafkaClientSettings(
        { ssl: true, bootstrap: ['h:1'] },
        {
          'sasl.mechanism': 'scram-sha-512',
          'sasl.username': 'u',
          'sasl.password': 'p',
          'ssl.ca.location': join(dir, 'ca.pem'),
          'client.id': 'me',
          'socket.connection.setup.timeout.ms': '2500',
          'ssl.endpoint.identification.algorithm': 'none',
        },
      );
      assert.equal(s.securityProtocol, 'SASL_SSL');
      assert.deepEqual(s.sasl, { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' });
      assert.equal(s.tls?.ca?.toString(), 'CA');
      assert.equal(typeof s.tls?.checkServerIdentity, 'function');
      assert.equal(s.clientId, 'me');
      assert.equal(s.clientIdGiven, true);
      assert.equal(s.connectTimeoutMs, 2500);
      usage(() => kafkaClientSettings({ ssl: true, bootstrap: ['h:1'] }, { 'ssl.ca.location': join(dir, 'missing.pem') }), /cannot read -X ssl\.ca\.location/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('contradictions and bad values are usage errors that name the property', () => {
    usage(() => checkKafkaProperties({ 'sasl.mechanisms.x': 'PLAIN' }), /unknown client property "sasl\.mechanisms\.x"/);
    usage(() => kafkaClientSettings({ ssl: false, bootstrap: ['h:1'] }, { 'security.protocol': 'SASL_PLAINTEXT' }), /needs -X sasl\.username/);
    usage(() => kafkaClientSettings({ ssl: false, bootstrap: ['h:1'] }, { 'sasl.username': 'u' }), /sasl\.\* properties need SASL/);
    usage(() => kafkaClientSettings({ ssl: false, bootstrap: ['h:1'] }, { 'enable.ssl.certificate.verification': 'false' }), /ssl\.\* properties need TLS/);
    usage(() => kafkaClientSettings({ ssl: false, bootstrap: ['h:1'] }, { 'sasl.mechanism': 'GSSAPI' }), /use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/);
    usage(() => kafkaClientSettings({ ssl: false, bootstrap: ['h:1'] }, { 'request.timeout.ms': '10s' }), /milliseconds/);
    usage(() => kafkaClientSettings({ ssl: false, bootstrap: ['h:1'] }, { 'enable.idempotence': 'yes' }), /true or false/);
    assert.ok(KAFKA_PROPERTY_KEYS.includes('security.protocol') && KAFKA_PROPERTY_KEYS.includes('socket.connection.setup.timeout.ms'));
  });

  test('bootstrap.servers adds addresses; a later -X wins', () => {
    const s = kafkaClientSettings({ ssl: false, bootstrap: ['a:1'] }, { 'bootstrap.servers': 'b:2,c:3', retries: '7' });
    assert.deepEqual(s.bootstrap, ['a:1', 'b:2', 'c:3']);
    assert.equal(s.retries, 7);
  });
});
