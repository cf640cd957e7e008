// Frames captured from real clients (kcat and confluent-kafka on librdkafka 2.0.2, kafkajs 2.2.4,
// @platformatic/kafka 1.35.0) talking to librdkafka's mock cluster, and the mock's answers
// (test/fixtures/kafka-capture/ made them). Each frame of an API spool serves must decode, and
// encoding the decoded message must give back exactly the bytes the client or broker sent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readRequestHeader,
} from '../../../src/kafka/protocol/headers.js';
import { KafkaProtocolError } from '../../../src/kafka/protocol/kafka-protocol-error.js';
import { concatParts } from '../../../src/kafka/protocol/wire-writer.js';

interface CapturedFrame {
  client: string;
  direction: 'request' | 'response';
  apiKey: number;
  apiVersion: number;
  hex: string;
}

// Tests run from dist/test/unit/kafka; the fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/kafka-wire/', import.meta.url));

/**
 * Frames the mock got wrong, which a decoder must refuse: librdkafka 2.0.2's mock writes the
 * ListOffsets v4+ leader epoch as 8 bytes where Kafka's schema has an int32.
 */
const MOCK_DEFECTS = [{ direction: 'response', apiKey: 2, apiVersion: 5 }];

function isMockDefect(frame: CapturedFrame): boolean {
  return MOCK_DEFECTS.some((d) => d.direction === frame.direction && d.apiKey === frame.apiKey && d.apiVersion === frame.apiVersion);
}

/** The files capture-proxy.ts wrote: each a list of frames (files of other shapes are other tests'). */
const CAPTURES = ['kcat.json', 'librdkafka-python.json', 'kafkajs.json', 'platformatic-kafka.json'];
const captured = CAPTURES.flatMap((name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as CapturedFrame[]);
const served = captured.filter((f) => KAFKA_APIS.has(f.apiKey));

test('the fixtures hold frames from four clients and cover the APIs the mock cluster allows', () => {
  assert.deepEqual(new Set(captured.map((f) => f.client)), new Set(['kcat', 'librdkafka-python', 'kafkajs', 'platformatic-kafka']));
  const requestKeys = new Set(served.filter((f) => f.direction === 'request').map((f) => f.apiKey));
  for (const key of [0, 1, 2, 3, 18, 19, 20, 22, 32, 33, 37, 44]) assert.ok(requestKeys.has(key), `a request of api ${key}`);
  const responseKeys = new Set(served.filter((f) => f.direction === 'response').map((f) => f.apiKey));
  for (const key of [0, 1, 2, 3, 18, 22]) assert.ok(responseKeys.has(key), `a response of api ${key}`);
  assert.ok(served.some((f) => f.direction === 'request' && f.apiKey === 0 && f.apiVersion >= 9), 'a flexible Produce request');
});

describe('kafka > golden frames', () => {
  for (const [i, frame] of served.entries()) {
    const schema = KAFKA_APIS.get(frame.apiKey)!;
    const bytes = Buffer.from(frame.hex, 'hex');
    const name = `${frame.client} ${schema.name} v${frame.apiVersion} ${frame.direction} #${i}`;
    if (isMockDefect(frame)) {
      test(`${name} (mock defect) is refused with KafkaProtocolError`, () => {
        assert.throws(() => decodeResponse(schema, frame.apiVersion, bytes), KafkaProtocolError);
      });
      continue;
    }
    test(`${name} decodes and re-encodes to the same bytes`, () => {
      if (frame.direction === 'request') {
        const header = readRequestHeader(bytes);
        assert.equal(header.apiKey, frame.apiKey);
        assert.equal(header.apiVersion, frame.apiVersion);
        assert.equal(header.supported, true);
        const body = decodeRequest(schema, frame.apiVersion, bytes, header.bodyOffset);
        const again = concatParts(encodeRequest(schema, frame.apiVersion, header.correlationId, header.clientId, body)).subarray(4);
        assert.equal(again.toString('hex'), frame.hex);
      } else {
        const { correlationId, body } = decodeResponse(schema, frame.apiVersion, bytes);
        const again = concatParts(encodeResponse(schema, frame.apiVersion, correlationId, body)).subarray(4);
        assert.equal(again.toString('hex'), frame.hex);
      }
    });
  }
});
