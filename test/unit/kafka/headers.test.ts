// Request and response headers: which header version each API version uses, and how a request
// for an API or version spool does not serve is recognised without touching its body.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import { PRODUCE } from '../../../src/kafka/protocol/apis/produce.js';
import { decodeRequest, readRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../../../src/kafka/protocol/headers.js';
import { KafkaProtocolError } from '../../../src/kafka/protocol/kafka-protocol-error.js';

const frame = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('kafka > headers', () => {
  test('header versions follow flexibility, and ApiVersions always answers with header v0', () => {
    const table = [
      [0, 8, 1, 0],
      [0, 9, 2, 1],
      [1, 11, 1, 0],
      [1, 12, 2, 1],
      [3, 8, 1, 0],
      [3, 9, 2, 1],
      [18, 2, 1, 0],
      [18, 3, 2, 0],
      [18, 4, 2, 0],
      [60, 0, 2, 1],
    ] as const;
    for (const [key, version, request, response] of table) {
      const api = KAFKA_APIS.get(key)!;
      assert.equal(requestHeaderVersion(api, version), request, `${api.name} v${version} request header`);
      assert.equal(responseHeaderVersion(api, version), response, `${api.name} v${version} response header`);
    }
  });

  test('an unknown API key is recognised from the header alone', () => {
    const header = readRequestHeader(frame('0063 0000 00000001 0001 61 deadbeef'));
    assert.deepEqual(
      { ...header },
      { apiKey: 99, apiVersion: 0, correlationId: 1, clientId: 'a', bodyOffset: 11, schema: null, supported: false },
    );
  });

  test('versions Kafka 4.0 no longer accepts are recognised, and refused by decodeRequest', () => {
    const produceV2 = readRequestHeader(frame('0000 0002 00000005 ffff 0001 00007530 00000000'));
    assert.equal(produceV2.schema, PRODUCE);
    assert.equal(produceV2.supported, false);
    assert.throws(() => decodeRequest(PRODUCE, 2, frame('0000 0002 00000005 ffff 0001 00007530 00000000'), produceV2.bodyOffset), KafkaProtocolError);
    assert.equal(readRequestHeader(frame('0001 0003 00000001 ffff')).supported, false);
    assert.equal(readRequestHeader(frame('0002 0000 00000001 ffff')).supported, false);
  });

  test('an ApiVersions request newer than spool knows still has its header read as flexible', () => {
    const header = readRequestHeader(frame('0012 0005 00000002 ffff 00 0278 0231 00'));
    assert.equal(header.supported, false);
    assert.equal(header.correlationId, 2);
    assert.equal(header.bodyOffset, 11);
  });

  test('produce advertises 0-12 but accepts 3-12', () => {
    assert.equal(PRODUCE.advertisedVersions, '0-12');
    assert.equal(PRODUCE.validVersions, '3-12');
  });

  test('a header cut short is a KafkaProtocolError', () => {
    for (const bad of ['', '0012', '0012 0003 000000', '0012 0003 00000001 0005 6162', '0012 0003 00000001 ffff']) {
      assert.throws(() => readRequestHeader(frame(bad)), KafkaProtocolError, bad);
    }
  });
});
