// The schema-driven codec's rules, each against bytes worked out by hand from Kafka's protocol
// guide: versions in which a field is absent, defaults, nullability, compact forms, tagged-field
// sections (written only when not default, ascending, unknown tags skipped), and records that are
// neither copied when decoded nor when encoded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFields, encodeFields } from '../../../src/kafka/protocol/codec.js';
import { compileFields } from '../../../src/kafka/protocol/compiled-fields.js';
import { API_VERSIONS } from '../../../src/kafka/protocol/apis/api-versions.js';
import { FETCH } from '../../../src/kafka/protocol/apis/fetch.js';
import type { FetchResponse } from '../../../src/kafka/protocol/apis/fetch.js';
import { METADATA } from '../../../src/kafka/protocol/apis/metadata.js';
import { PRODUCE } from '../../../src/kafka/protocol/apis/produce.js';
import type { ProduceRequest, ProduceResponse } from '../../../src/kafka/protocol/apis/produce.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, readRequestHeader } from '../../../src/kafka/protocol/headers.js';
import { KafkaProtocolError } from '../../../src/kafka/protocol/kafka-protocol-error.js';
import type { Field } from '../../../src/kafka/protocol/schema.js';
import { WireReader } from '../../../src/kafka/protocol/wire-reader.js';
import { BYTES_BY_REFERENCE, WireWriter, concatParts } from '../../../src/kafka/protocol/wire-writer.js';

const hex = (parts: readonly Buffer[]): string => concatParts(parts).toString('hex');
const squash = (s: string): string => s.replace(/\s+/g, '');

/** A small schema whose bytes are easy to write out: one regular and two tagged fields from v1. */
const TAGGED: readonly Field[] = [
  { name: 'a', type: 'int8', versions: '0+' },
  { name: 't1', type: 'int32', versions: '1+', taggedVersions: '1+', tag: 3, default: -1 },
  { name: 't0', type: 'string', versions: '1+', nullableVersions: '1+', taggedVersions: '1+', tag: 0, default: null },
];

function encodeTagged(value: object, version: number, flexible: boolean): string {
  const w = new WireWriter();
  encodeFields(TAGGED, version, flexible, value, w);
  return hex(w.finish());
}

function decodeTagged(bytes: string, version: number, flexible: boolean): Record<string, unknown> {
  const r = new WireReader(Buffer.from(squash(bytes), 'hex'));
  const value = decodeFields(TAGGED, version, flexible, r);
  assert.equal(r.remaining, 0);
  return value;
}

describe('kafka > codec > tagged fields', () => {
  test('a tagged field is written only when it differs from its default', () => {
    assert.equal(encodeTagged({ a: 5, t1: -1, t0: null }, 1, true), '0500');
    assert.equal(encodeTagged({ a: 5 }, 1, true), '0500', 'missing values are defaults');
  });

  test('tagged fields are written in ascending tag order with their sizes', () => {
    assert.equal(encodeTagged({ a: 5, t1: 7, t0: 'x' }, 1, true), squash('05 02 00 02 0278 03 04 00000007'));
    assert.deepEqual(decodeTagged('05 02 00 02 0278 03 04 00000007', 1, true), { a: 5, t1: 7, t0: 'x' });
  });

  test('unknown tags are skipped and missing tags take their defaults', () => {
    assert.deepEqual(decodeTagged('05 03 00 02 0278 01 03 aabbcc 03 04 00000007', 1, true), { a: 5, t1: 7, t0: 'x' });
    assert.deepEqual(decodeTagged('05 00', 1, true), { a: 5, t1: -1, t0: null });
  });

  test('tags out of order, or a size that does not match the value, are refused', () => {
    assert.throws(() => decodeTagged('05 02 03 04 00000007 00 02 0278', 1, true), KafkaProtocolError);
    assert.throws(() => decodeTagged('05 01 03 05 00000007 ff', 1, true), KafkaProtocolError);
    assert.throws(() => decodeTagged('05 01 03 09 00000007', 1, true), KafkaProtocolError);
  });

  test('in a version without the fields (and not flexible) nothing but the regular field is on the wire', () => {
    assert.equal(encodeTagged({ a: 5, t1: 7, t0: 'x' }, 0, false), '05');
    assert.deepEqual(decodeTagged('05', 0, false), { a: 5, t1: -1, t0: null });
  });

  test('field lists are compiled once per version and flexibility', () => {
    assert.equal(compileFields(TAGGED, 1, true), compileFields(TAGGED, 1, true));
    assert.notEqual(compileFields(TAGGED, 1, true), compileFields(TAGGED, 0, false));
  });
});

describe('kafka > codec > whole messages', () => {
  test('ApiVersions v3 request: header v2 with a non-compact client id, compact strings in the body', () => {
    const frame = hex(encodeRequest(API_VERSIONS, 3, 7, 'c', { clientSoftwareName: 'x', clientSoftwareVersion: '1' }));
    assert.equal(frame, squash('00000011 0012 0003 00000007 0001 63 00 | 0278 0231 00'.replace('|', '')));
  });

  test('ApiVersions v3 response keeps response header v0 and carries its tagged fields', () => {
    const body = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0 };
    assert.equal(hex(encodeResponse(API_VERSIONS, 3, 7, body)), squash('00000013 00000007 0000 02 0012 0000 0004 00 00000000 00'));
    const withEpoch = hex(encodeResponse(API_VERSIONS, 3, 7, { ...body, finalizedFeaturesEpoch: 5 }));
    assert.equal(withEpoch, squash('0000001d 00000007 0000 02 0012 0000 0004 00 00000000 01 01 08 0000000000000005'));
    const decoded = decodeResponse(API_VERSIONS, 3, Buffer.from(withEpoch, 'hex').subarray(4)).body;
    assert.deepEqual(decoded, { ...body, supportedFeatures: [], finalizedFeaturesEpoch: 5, finalizedFeatures: [], zkMigrationReady: false });
  });

  test('the UNSUPPORTED_VERSION answer to an ApiVersions request is a v0 body', () => {
    const frame = hex(encodeResponse(API_VERSIONS, 0, 9, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] }));
    assert.equal(frame, squash('00000010 00000009 0023 00000001 0012 0000 0004'));
  });

  test('Metadata v12 request: topic id and nullable compact name, no cluster-authorized flag', () => {
    const body = { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 't' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false };
    const frame = hex(encodeRequest(METADATA, 12, 1, null, body));
    assert.equal(frame, squash(`00000022 0003 000c 00000001 ffff 00 | 02 ${'00'.repeat(16)} 0274 00 01 00 00`.replace('|', '')));
    const bytes = Buffer.from(frame, 'hex').subarray(4);
    const decoded = decodeRequest(METADATA, 12, bytes, readRequestHeader(bytes).bodyOffset);
    assert.deepEqual(decoded, { ...body, includeClusterAuthorizedOperations: false });
  });

  test('a Produce v3 response fills the fields of later versions with their defaults', () => {
    const bytes = Buffer.from(squash('00000001 00000001 0001 74 00000001 00000000 0000 0000000000000005 ffffffffffffffff 00000000'), 'hex');
    const { correlationId, body } = decodeResponse<ProduceResponse>(PRODUCE, 3, bytes);
    assert.equal(correlationId, 1);
    assert.deepEqual(body, {
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 5,
              logAppendTimeMs: -1,
              logStartOffset: -1,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [],
    });
  });

  test('a Produce request hands out its records as a view into the frame', () => {
    const batch = Buffer.alloc(100, 9);
    const body: ProduceRequest = { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }] };
    for (const version of [3, 9, 12]) {
      const frame = concatParts(encodeRequest(PRODUCE, version, 1, 'p', body)).subarray(4);
      const decoded = decodeRequest<ProduceRequest>(PRODUCE, version, frame, readRequestHeader(frame).bodyOffset);
      const records = decoded.topicData[0]!.partitionData[0]!.records!;
      assert.ok(records.equals(batch));
      assert.equal(records.buffer, frame.buffer, `v${version}: same memory as the frame`);
    }
  });

  test('a Fetch response passes stored batches through by reference, given as a list', () => {
    const stored = [Buffer.alloc(BYTES_BY_REFERENCE, 1), Buffer.alloc(BYTES_BY_REFERENCE * 2, 2)];
    const partition = {
      partitionIndex: 0,
      errorCode: 0,
      highWatermark: 10,
      lastStableOffset: 10,
      logStartOffset: 0,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: stored,
    };
    for (const version of [4, 11, 12, 17]) {
      const body = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', topicId: '01234567-89ab-cdef-0123-456789abcdef', partitions: [partition] }] };
      const parts = encodeResponse(FETCH, version, 3, body);
      assert.ok(parts.includes(stored[0]!) && parts.includes(stored[1]!), `v${version}: batches not copied`);
      const frame = concatParts(parts);
      assert.equal(frame.readInt32BE(0), frame.length - 4);
      const decoded = decodeResponse<FetchResponse>(FETCH, version, frame.subarray(4)).body;
      const records = decoded.responses[0]!.partitions[0]!.records as Buffer;
      assert.ok(records.equals(Buffer.concat(stored)));
    }
  });

  test('null where the version does not allow it is refused both ways', () => {
    // Produce v3 response with a null topic name (int16 -1).
    const bytes = Buffer.from(squash('00000001 00000001 ffff 00000000 00000000'), 'hex');
    assert.throws(() => decodeResponse(PRODUCE, 3, bytes), KafkaProtocolError);
    assert.throws(() => encodeResponse(PRODUCE, 3, 1, { responses: [{ name: null, partitionResponses: [] }], throttleTimeMs: 0 }), RangeError);
    // Metadata v1 allows a null topic list, v0 does not.
    assert.equal(hex(encodeRequest(METADATA, 1, 1, null, { topics: null })).slice(-8), 'ffffffff');
    assert.throws(() => encodeRequest(METADATA, 0, 1, null, { topics: null }), RangeError);
  });

  test('bytes left after the body are refused', () => {
    const frame = concatParts(encodeRequest(API_VERSIONS, 0, 1, null, {})).subarray(4);
    const padded = Buffer.concat([frame, Buffer.from([0])]);
    assert.throws(() => decodeRequest(API_VERSIONS, 0, padded, readRequestHeader(padded).bodyOffset), KafkaProtocolError);
  });
});
