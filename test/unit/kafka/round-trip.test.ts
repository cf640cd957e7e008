// Every API spool serves, every version Kafka 4.0 accepts, both directions: a representative
// message is encoded into a whole frame, read back through the header functions and decoded, and
// must come back equal; encoding the decoded message again must give the same bytes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readRequestHeader,
} from '../../../src/kafka/protocol/headers.js';
import { concatParts } from '../../../src/kafka/protocol/wire-writer.js';
import { inVersions } from '../../../src/kafka/protocol/schema.js';
import { sampleMessage, versionsOf } from '../../helpers/kafka-samples.js';

// The data-path and admin APIs, then the group, offset and SASL ones.
const EXPECTED_KEYS = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 32, 33, 36, 37, 42, 44, 47, 60];

test('the registry holds the twenty-eight APIs, each under its own key', () => {
  assert.deepEqual([...KAFKA_APIS.keys()].sort((a, b) => a - b), EXPECTED_KEYS);
  for (const [key, api] of KAFKA_APIS) assert.equal(api.apiKey, key);
});

for (const api of KAFKA_APIS.values()) {
  describe(`kafka > ${api.name}`, () => {
    for (const version of versionsOf(api.validVersions)) {
      const flexible = inVersions(api.flexibleVersions, version);
      for (const nullFirst of [false, true]) {
        const variant = nullFirst ? 'nulls first' : 'values first';
        test(`v${version} request round trip (${variant})`, () => {
          const body = sampleMessage(api.request, version, flexible, { seed: version + 3, nullFirst });
          const frame = concatParts(encodeRequest(api, version, 1234 + version, 'spool-test', body));
          assert.equal(frame.readInt32BE(0), frame.length - 4);
          const payload = frame.subarray(4);
          const header = readRequestHeader(payload);
          assert.deepEqual(
            { apiKey: header.apiKey, apiVersion: header.apiVersion, correlationId: header.correlationId, clientId: header.clientId },
            { apiKey: api.apiKey, apiVersion: version, correlationId: 1234 + version, clientId: 'spool-test' },
          );
          assert.equal(header.supported, true);
          const decoded = decodeRequest(api, version, payload, header.bodyOffset);
          assert.deepStrictEqual(decoded, body);
          const again = concatParts(encodeRequest(api, version, 1234 + version, 'spool-test', decoded));
          assert.ok(again.equals(frame), 'encoding the decoded request gives the same bytes');
        });
        test(`v${version} response round trip (${variant})`, () => {
          const body = sampleMessage(api.response, version, flexible, { seed: version + 11, nullFirst, bytesLength: nullFirst ? 5000 : 37 });
          const frame = concatParts(encodeResponse(api, version, -7, body));
          assert.equal(frame.readInt32BE(0), frame.length - 4);
          const { correlationId, body: decoded } = decodeResponse(api, version, frame.subarray(4));
          assert.equal(correlationId, -7);
          assert.deepStrictEqual(decoded, body);
          const again = concatParts(encodeResponse(api, version, -7, decoded));
          assert.ok(again.equals(frame), 'encoding the decoded response gives the same bytes');
        });
      }
    }
  });
}
