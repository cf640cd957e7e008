// Bytes a broker cannot trust: every frame cut short, and frames with bytes overwritten or made
// up, for every API and version. Decoding either succeeds or throws KafkaProtocolError; nothing
// else (no RangeError from Buffer, no TypeError, no runaway allocation) may escape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, readRequestHeader } from '../../../src/kafka/protocol/headers.js';
import { KafkaProtocolError } from '../../../src/kafka/protocol/kafka-protocol-error.js';
import { inVersions } from '../../../src/kafka/protocol/schema.js';
import type { ApiSchema } from '../../../src/kafka/protocol/schema.js';
import { concatParts } from '../../../src/kafka/protocol/wire-writer.js';
import { sampleMessage, versionsOf } from '../../helpers/kafka-samples.js';

function decodeRequestFrame(frame: Buffer): void {
  const header = readRequestHeader(frame);
  if (header.schema !== null && header.supported) decodeRequest(header.schema, header.apiVersion, frame, header.bodyOffset);
}

/** Runs `decode`; returns whether it succeeded, and fails the test on any error but KafkaProtocolError. */
function onlyProtocolErrors(decode: () => void, what: string): boolean {
  try {
    decode();
    return true;
  } catch (err) {
    assert.ok(err instanceof KafkaProtocolError, `${what}: ${String(err)}`);
    return false;
  }
}

/** A small deterministic generator, so a failure names bytes that can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function frames(api: ApiSchema, version: number): { request: Buffer; response: Buffer } {
  const flexible = inVersions(api.flexibleVersions, version);
  const request = concatParts(encodeRequest(api, version, 5, 'm', sampleMessage(api.request, version, flexible, { seed: version }))).subarray(4);
  const response = concatParts(encodeResponse(api, version, 5, sampleMessage(api.response, version, flexible, { seed: version + 1 }))).subarray(4);
  return { request, response };
}

/** Every cut for short frames; for long ones the first 64 bytes and 64 more spread over the rest. */
function cuts(length: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < Math.min(length, 64); n++) out.push(n);
  for (let i = 1; i <= 64 && length > 64; i++) out.push(64 + Math.floor(((length - 65) * i) / 64));
  return [...new Set(out)].filter((n) => n < length);
}

for (const api of KAFKA_APIS.values()) {
  describe(`kafka > malformed > ${api.name}`, () => {
    for (const version of versionsOf(api.validVersions)) {
      test(`v${version}: every truncated request and response is a KafkaProtocolError`, () => {
        const { request, response } = frames(api, version);
        for (const n of cuts(request.length)) {
          assert.throws(() => decodeRequestFrame(request.subarray(0, n)), KafkaProtocolError, `request cut at ${n}`);
        }
        for (const n of cuts(response.length)) {
          assert.throws(() => decodeResponse(api, version, response.subarray(0, n)), KafkaProtocolError, `response cut at ${n}`);
        }
      });

      test(`v${version}: overwritten and made-up bytes give a message or a KafkaProtocolError`, () => {
        const { request, response } = frames(api, version);
        const next = random(api.apiKey * 100 + version);
        for (let round = 0; round < 200; round++) {
          for (const [name, original] of [['request', request], ['response', response]] as const) {
            const bytes = Buffer.from(original);
            const flips = 1 + Math.floor(next() * 4);
            // Keep the request's api key and version so the body decoder is the one exercised.
            for (let i = 0; i < flips; i++) bytes[4 + Math.floor(next() * (bytes.length - 4))] = Math.floor(next() * 256);
            const decode = name === 'request' ? () => decodeRequestFrame(bytes) : () => decodeResponse(api, version, bytes);
            onlyProtocolErrors(decode, `${name} round ${round} ${bytes.toString('hex')}`);
          }
          const noise = Buffer.alloc(Math.floor(next() * 64));
          for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(next() * 256);
          onlyProtocolErrors(() => decodeResponse(api, version, noise), `noise ${noise.toString('hex')}`);
          const header = Buffer.alloc(4);
          header.writeInt16BE(api.apiKey, 0);
          header.writeInt16BE(version, 2);
          onlyProtocolErrors(() => decodeRequestFrame(Buffer.concat([header, noise])), `request noise ${noise.toString('hex')}`);
        }
      });
    }
  });
}
