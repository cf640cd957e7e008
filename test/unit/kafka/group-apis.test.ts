// The group, offset and SASL API tables (src/kafka/protocol/apis/) through the generic codec:
// 1. every frame recorded from librdkafka 2.0.2 and kafkajs 2.2.4 (test/fixtures/kafka-wire/
//    group-*.json, made by test/fixtures/kafka-capture/capture-groups.py) decodes to what the
//    client meant and encodes back to the very same bytes;
// 2. every API round-trips in every version Kafka 4.x accepts, with every field set, and with
//    every field that may be null set to null;
// 3. the versions no recorded client speaks (flexible ones, batched FindCoordinator and
//    LeaveGroup, topic ids in OffsetCommit/OffsetFetch v10, ...) against bytes written out by
//    hand from Kafka's protocol grammar.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, readRequestHeader } from '../../../src/kafka/protocol/headers.js';
import type { ApiSchema, Field, FieldType } from '../../../src/kafka/protocol/schema.js';
import { inVersions, versionRange } from '../../../src/kafka/protocol/schema.js';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import { DELETE_GROUPS } from '../../../src/kafka/protocol/apis/delete-groups.js';
import { DESCRIBE_GROUPS } from '../../../src/kafka/protocol/apis/describe-groups.js';
import type { DescribeGroupsResponse } from '../../../src/kafka/protocol/apis/describe-groups.js';
import { FIND_COORDINATOR } from '../../../src/kafka/protocol/apis/find-coordinator.js';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../../src/kafka/protocol/apis/find-coordinator.js';
import { HEARTBEAT } from '../../../src/kafka/protocol/apis/heartbeat.js';
import { JOIN_GROUP } from '../../../src/kafka/protocol/apis/join-group.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../../src/kafka/protocol/apis/join-group.js';
import { LEAVE_GROUP } from '../../../src/kafka/protocol/apis/leave-group.js';
import type { LeaveGroupRequest } from '../../../src/kafka/protocol/apis/leave-group.js';
import { LIST_GROUPS } from '../../../src/kafka/protocol/apis/list-groups.js';
import type { ListGroupsRequest, ListGroupsResponse } from '../../../src/kafka/protocol/apis/list-groups.js';
import { OFFSET_COMMIT } from '../../../src/kafka/protocol/apis/offset-commit.js';
import type { OffsetCommitRequest } from '../../../src/kafka/protocol/apis/offset-commit.js';
import { OFFSET_DELETE } from '../../../src/kafka/protocol/apis/offset-delete.js';
import { OFFSET_FETCH } from '../../../src/kafka/protocol/apis/offset-fetch.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../../src/kafka/protocol/apis/offset-fetch.js';
import { SASL_AUTHENTICATE } from '../../../src/kafka/protocol/apis/sasl-authenticate.js';
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from '../../../src/kafka/protocol/apis/sasl-authenticate.js';
import { SASL_HANDSHAKE } from '../../../src/kafka/protocol/apis/sasl-handshake.js';
import type { SaslHandshakeRequest, SaslHandshakeResponse } from '../../../src/kafka/protocol/apis/sasl-handshake.js';
import { SYNC_GROUP } from '../../../src/kafka/protocol/apis/sync-group.js';
import type { SyncGroupRequest } from '../../../src/kafka/protocol/apis/sync-group.js';

const GROUP_APIS: readonly ApiSchema[] = [
  OFFSET_COMMIT, OFFSET_FETCH, FIND_COORDINATOR, JOIN_GROUP, HEARTBEAT, LEAVE_GROUP, SYNC_GROUP,
  DESCRIBE_GROUPS, LIST_GROUPS, SASL_HANDSHAKE, SASL_AUTHENTICATE, DELETE_GROUPS, OFFSET_DELETE,
];

/** The versions Kafka 4.x accepts for each API: the contract the tables are held to. */
const KAFKA_4_VERSIONS: ReadonlyMap<number, [number, number, number | null]> = new Map([
  // apiKey: [lowest, highest, first flexible]
  [8, [2, 10, 8]],
  [9, [1, 10, 6]],
  [10, [0, 6, 3]],
  [11, [0, 9, 6]],
  [12, [0, 4, 4]],
  [13, [0, 5, 4]],
  [14, [0, 5, 4]],
  [15, [0, 6, 5]],
  [16, [0, 5, 3]],
  [17, [0, 1, null]],
  [36, [0, 2, 2]],
  [42, [0, 2, 2]],
  [47, [0, 0, null]],
]);

function versionsOf(schema: ApiSchema): number[] {
  const { low, high } = versionRange(schema.validVersions);
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

const concat = (parts: Buffer[]): Buffer => Buffer.concat(parts);

// ---- 1. recorded frames --------------------------------------------------------------------

interface Exchange {
  client: string;
  apiKey: number;
  apiVersion: number;
  request: string;
  response: string;
  responseFrom: string;
}

function wireFixtureDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the test file');
    dir = up;
  }
  return join(dir, 'test', 'fixtures', 'kafka-wire');
}

const fixtureDir = wireFixtureDir();
const fixtureFiles = readdirSync(fixtureDir).filter((f) => f.startsWith('group-') && f.endsWith('.json')).sort();

function exchangesOf(file: string): Exchange[] {
  return (JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as { exchanges: Exchange[] }).exchanges;
}

function decodeExchange<Q extends object, A extends object>(ex: Exchange): { request: Q; response: A; clientId: string | null } {
  const schema = KAFKA_APIS.get(ex.apiKey)!;
  const requestFrame = Buffer.from(ex.request, 'hex');
  const header = readRequestHeader(requestFrame);
  return {
    request: decodeRequest<Q>(schema, ex.apiVersion, requestFrame, header.bodyOffset),
    response: decodeResponse<A>(schema, ex.apiVersion, Buffer.from(ex.response, 'hex')).body,
    clientId: header.clientId,
  };
}

function find(file: string, pick: (ex: Exchange) => boolean = () => true): Exchange {
  const ex = exchangesOf(file).find(pick);
  assert.ok(ex, `no such exchange in ${file}`);
  return ex;
}

describe('kafka codec > group APIs > frames recorded from real clients', () => {
  test('both clients were recorded for every API the mock answers, and for the SASL and admin ones', () => {
    for (const client of ['librdkafka', 'kafkajs']) {
      for (const api of ['find-coordinator', 'join-group', 'sync-group', 'heartbeat', 'leave-group', 'offset-commit',
        'offset-fetch', 'list-groups', 'describe-groups', 'sasl-handshake', 'sasl-authenticate']) {
        assert.ok(fixtureFiles.includes(`group-${client}-${api}.json`), `group-${client}-${api}.json`);
      }
    }
    assert.ok(fixtureFiles.includes('group-kafkajs-delete-groups.json'));
  });

  for (const file of fixtureFiles) {
    test(`${file}: every request and response decodes and encodes back to the same bytes`, () => {
      const exchanges = exchangesOf(file);
      assert.ok(exchanges.length > 0);
      for (const ex of exchanges) {
        const schema = KAFKA_APIS.get(ex.apiKey);
        assert.ok(schema, `api ${ex.apiKey} is registered`);
        assert.ok(GROUP_APIS.includes(schema));
        const requestFrame = Buffer.from(ex.request, 'hex');
        const header = readRequestHeader(requestFrame);
        assert.equal(header.apiKey, ex.apiKey);
        assert.equal(header.apiVersion, ex.apiVersion);
        assert.equal(header.supported, true, `${schema.name} v${ex.apiVersion} is accepted`);
        const request = decodeRequest<object>(schema, ex.apiVersion, requestFrame, header.bodyOffset);
        const reencoded = concat(encodeRequest(schema, ex.apiVersion, header.correlationId, header.clientId, request));
        assert.equal(reencoded.readInt32BE(0), requestFrame.length);
        assert.equal(reencoded.subarray(4).toString('hex'), ex.request, `${schema.name} v${ex.apiVersion} request`);

        const responseFrame = Buffer.from(ex.response, 'hex');
        const decoded = decodeResponse<object>(schema, ex.apiVersion, responseFrame);
        assert.equal(decoded.correlationId, header.correlationId);
        const back = concat(encodeResponse(schema, ex.apiVersion, decoded.correlationId, decoded.body));
        assert.equal(back.subarray(4).toString('hex'), ex.response, `${schema.name} v${ex.apiVersion} response`);
      }
    });
  }

  test('librdkafka JoinGroup v5: the group, its two assignors, and the static member id', () => {
    const dynamic = decodeExchange<JoinGroupRequest, JoinGroupResponse>(
      find('group-librdkafka-join-group.json', (ex) => !decodeExchange<JoinGroupRequest, object>(ex).request.groupInstanceId),
    );
    assert.equal(dynamic.request.groupId, 'capture-rdkafka');
    assert.equal(dynamic.request.sessionTimeoutMs, 6000);
    assert.equal(dynamic.request.rebalanceTimeoutMs, 300000);
    assert.equal(dynamic.request.memberId, '');
    assert.equal(dynamic.request.groupInstanceId, null);
    assert.equal(dynamic.request.protocolType, 'consumer');
    assert.deepEqual(dynamic.request.protocols.map((p) => p.name), ['range', 'roundrobin']);
    assert.equal(dynamic.response.errorCode, 0);
    assert.equal(dynamic.response.protocolName, 'range');
    assert.equal(dynamic.response.leader, dynamic.response.memberId);
    assert.equal(dynamic.response.members.length, 1);
    assert.equal(dynamic.response.members[0]!.groupInstanceId, null);
    // The member's subscription (Kafka's ConsumerProtocolSubscription v1) names the topic.
    assert.ok(dynamic.response.members[0]!.metadata.includes(Buffer.from('capture-orders')));

    const statik = decodeExchange<JoinGroupRequest, JoinGroupResponse>(
      find('group-librdkafka-join-group.json', (ex) => decodeExchange<JoinGroupRequest, object>(ex).request.groupInstanceId !== null),
    );
    assert.equal(statik.request.groupId, 'capture-rdkafka-static');
    assert.equal(statik.request.groupInstanceId, 'instance-1');
  });

  test('kafkajs JoinGroup v5 and SyncGroup v3: the leader hands in the assignment and gets it back', () => {
    const join = decodeExchange<JoinGroupRequest, JoinGroupResponse>(find('group-kafkajs-join-group.json'));
    assert.equal(join.clientId, 'capture-kafkajs');
    assert.equal(join.request.groupId, 'capture-kafkajs');
    assert.deepEqual(join.request.protocols.map((p) => p.name), ['RoundRobinAssigner']);
    const sync = decodeExchange<SyncGroupRequest, { errorCode: number; assignment: Buffer }>(find('group-kafkajs-sync-group.json'));
    assert.equal(sync.request.groupId, 'capture-kafkajs');
    assert.equal(sync.request.groupInstanceId, null);
    assert.equal(sync.request.assignments.length, 1);
    assert.equal(sync.response.errorCode, 0);
    assert.deepEqual(sync.response.assignment, sync.request.assignments[0]!.assignment);
  });

  test('kafkajs OffsetCommit v5 from the group and from admin.setOffsets (generation -1, no member)', () => {
    const exchanges = exchangesOf('group-kafkajs-offset-commit.json').map((ex) => decodeExchange<OffsetCommitRequest, object>(ex).request);
    const fromGroup = exchanges.find((r) => r.memberId !== '');
    assert.ok(fromGroup);
    assert.equal(fromGroup.groupId, 'capture-kafkajs');
    assert.ok(fromGroup.generationIdOrMemberEpoch > 0);
    assert.equal(fromGroup.topics[0]!.name, 'capture-orders');
    assert.equal(typeof fromGroup.topics[0]!.partitions[0]!.committedOffset, 'number');
    assert.equal(fromGroup.topics[0]!.partitions[0]!.committedMetadata, null);
    // v5 carries neither retention time (v2-4) nor leader epoch (v6+): the decoder gives Kafka's defaults.
    assert.equal(fromGroup.retentionTimeMs, -1);
    assert.equal(fromGroup.topics[0]!.partitions[0]!.committedLeaderEpoch, -1);
  });

  test('librdkafka OffsetFetch v5 answers the committed offsets with their leader epoch', () => {
    const { request, response } = decodeExchange<OffsetFetchRequest, OffsetFetchResponse>(find('group-librdkafka-offset-fetch.json'));
    assert.equal(request.groupId, 'capture-rdkafka');
    assert.ok(request.topics);
    assert.equal(request.topics[0]!.name, 'capture-orders');
    assert.deepEqual(request.groups, []);
    assert.equal(response.errorCode, 0);
    assert.deepEqual(response.groups, []);
    assert.equal(response.topics[0]!.name, 'capture-orders');
  });

  test('FindCoordinator v2 from both clients asks for a group key', () => {
    for (const file of ['group-librdkafka-find-coordinator.json', 'group-kafkajs-find-coordinator.json']) {
      const { request, response } = decodeExchange<FindCoordinatorRequest, FindCoordinatorResponse>(find(file));
      assert.equal(request.keyType, 0);
      assert.match(request.key, /^capture-/);
      assert.deepEqual(request.coordinatorKeys, []);
      assert.equal(response.errorCode, 0);
      assert.equal(response.host, '127.0.0.1');
      assert.ok(response.port > 0);
      assert.deepEqual(response.coordinators, []);
    }
  });

  test('LeaveGroup v1 names the leaving member', () => {
    for (const file of ['group-librdkafka-leave-group.json', 'group-kafkajs-leave-group.json']) {
      const { request } = decodeExchange<LeaveGroupRequest, object>(find(file));
      assert.match(request.groupId, /^capture-/);
      assert.notEqual(request.memberId, '');
      assert.deepEqual(request.members, []);
    }
  });

  test('ListGroups and DescribeGroups from both clients, DeleteGroups from kafkajs', () => {
    const list = decodeExchange<ListGroupsRequest, ListGroupsResponse>(find('group-kafkajs-list-groups.json'));
    assert.deepEqual(list.request, { statesFilter: [], typesFilter: [] });
    assert.ok(list.response.groups.some((g) => g.groupId === 'capture-kafkajs'));
    // The first DescribeGroups is admin.setOffsets checking that the group is empty; the second is describeGroups.
    const described = exchangesOf('group-kafkajs-describe-groups.json').map((ex) => decodeExchange<{ groups: string[] }, DescribeGroupsResponse>(ex));
    assert.deepEqual(described.map((d) => d.request.groups), [['capture-kafkajs'], ['capture-kafkajs', 'capture-rdkafka']]);
    assert.equal(described[1]!.response.groups[1]!.authorizedOperations, -2147483648);
    const rdkafkaDescribe = decodeExchange<{ groups: string[] }, DescribeGroupsResponse>(find('group-librdkafka-describe-groups.json'));
    assert.ok(rdkafkaDescribe.request.groups.length > 0);
    const deleted = decodeExchange<{ groupsNames: string[] }, { results: { groupId: string }[] }>(find('group-kafkajs-delete-groups.json'));
    assert.deepEqual(deleted.request.groupsNames, ['capture-kafkajs']);
    assert.deepEqual(deleted.response.results.map((r) => r.groupId), ['capture-kafkajs']);
  });

  test('SASL/PLAIN: SaslHandshake v1 asks for PLAIN, SaslAuthenticate carries "\\0user\\0password"', () => {
    for (const client of ['librdkafka', 'kafkajs']) {
      const hs = decodeExchange<SaslHandshakeRequest, SaslHandshakeResponse>(find(`group-${client}-sasl-handshake.json`));
      assert.equal(hs.request.mechanism, 'PLAIN');
      assert.ok(hs.response.mechanisms.includes('PLAIN'));
      const auth = decodeExchange<SaslAuthenticateRequest, SaslAuthenticateResponse>(find(`group-${client}-sasl-authenticate.json`));
      assert.equal(auth.request.authBytes.toString('latin1'), '\0alice\0alice-secret');
      assert.equal(auth.response.errorCode, 0);
      assert.equal(auth.response.errorMessage, null);
    }
  });
});

// ---- 2. every version, every field -----------------------------------------------------------

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function zeroOf(type: FieldType): unknown {
  if (typeof type === 'string') {
    switch (type) {
      case 'bool':
        return false;
      case 'string':
        return '';
      case 'uuid':
        return ZERO_UUID;
      case 'bytes':
      case 'records':
        return Buffer.alloc(0);
      default:
        return 0;
    }
  }
  return 'arrayOf' in type ? [] : null;
}

/** A value for every field the version carries; `nulls` puts null wherever the version allows it. */
function sample(fields: readonly Field[], version: number, nulls: boolean, seed: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    const next = (seed * 31 + i + 1) % 1_000_003;
    if (!inVersions(f.versions, version)) return;
    if (nulls && inVersions(f.nullableVersions, version)) {
      out[f.name] = null;
      return;
    }
    out[f.name] = sampleOf(f.type, f.name, version, nulls, next);
  });
  return out;
}

function sampleOf(type: FieldType, name: string, version: number, nulls: boolean, seed: number): unknown {
  if (typeof type === 'string') {
    switch (type) {
      case 'bool':
        return true;
      case 'int8':
        return (seed % 100) + 1;
      case 'int16':
        return (seed % 30000) + 1;
      case 'int32':
        return seed * 1009 + 7;
      case 'int64':
        return seed * 1_000_003 + 2 ** 40;
      case 'uuid':
        return `5ad1e6c1-0f6e-4b1a-9c3d-${(seed % 1e12).toString().padStart(12, '0')}`;
      case 'string':
        return `${name}-${seed}-é`;
      case 'bytes':
        return Buffer.from(`${name}:${seed}`);
      default:
        throw new Error(`no sample for ${type}`);
    }
  }
  if ('struct' in type) return sample(type.struct, version, nulls, seed);
  const element = type.arrayOf;
  return [0, 1].map((k) => (typeof element === 'string' ? sampleOf(element, name, version, nulls, seed + k) : sample(element, version, nulls, seed + k)));
}

/** What a decoder must give back for `value` written at `version`: absent fields at their defaults. */
function expected(fields: readonly Field[], version: number, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inVersions(f.versions, version)) {
      out[f.name] = f.default !== undefined ? f.default : zeroOf(f.type);
      continue;
    }
    const v = value[f.name];
    if (v === null || typeof f.type === 'string') out[f.name] = v;
    else if ('struct' in f.type) out[f.name] = expected(f.type.struct, version, v as Record<string, unknown>);
    else {
      const element = f.type.arrayOf;
      out[f.name] = typeof element === 'string' ? v : (v as Record<string, unknown>[]).map((e) => expected(element, version, e));
    }
  }
  return out;
}

describe('kafka codec > group APIs > every valid version round-trips', () => {
  test('the tables accept exactly the versions Kafka 4.x accepts, flexible from the same version', () => {
    for (const schema of GROUP_APIS) {
      const [low, high, flexible] = KAFKA_4_VERSIONS.get(schema.apiKey)!;
      assert.deepEqual(versionRange(schema.validVersions), { low, high }, schema.name);
      if (flexible === null) assert.equal(schema.flexibleVersions, 'none', schema.name);
      else assert.equal(schema.flexibleVersions, `${flexible}+`, schema.name);
      assert.equal(KAFKA_APIS.get(schema.apiKey), schema, `${schema.name} is registered under key ${schema.apiKey}`);
    }
  });

  for (const schema of GROUP_APIS) {
    for (const version of versionsOf(schema)) {
      for (const nulls of [false, true]) {
        test(`${schema.name} v${version}${nulls ? ' with nulls' : ''}`, () => {
          const request = sample(schema.request, version, nulls, schema.apiKey);
          const requestFrame = concat(encodeRequest(schema, version, 42, 'round-trip', request)).subarray(4);
          const header = readRequestHeader(requestFrame);
          assert.equal(header.supported, true);
          assert.equal(header.correlationId, 42);
          const decodedRequest = decodeRequest<Record<string, unknown>>(schema, version, requestFrame, header.bodyOffset);
          assert.deepEqual(decodedRequest, expected(schema.request, version, request));
          assert.deepEqual(concat(encodeRequest(schema, version, 42, 'round-trip', decodedRequest)).subarray(4), requestFrame);

          const response = sample(schema.response, version, nulls, schema.apiKey + 1000);
          const responseFrame = concat(encodeResponse(schema, version, 43, response)).subarray(4);
          const decodedResponse = decodeResponse<Record<string, unknown>>(schema, version, responseFrame);
          assert.equal(decodedResponse.correlationId, 43);
          assert.deepEqual(decodedResponse.body, expected(schema.response, version, response));
          assert.deepEqual(concat(encodeResponse(schema, version, 43, decodedResponse.body)).subarray(4), responseFrame);
        });
      }
    }
  }
});

// ---- 3. versions no recorded client speaks, against the grammar ---------------------------------

/** Big-endian bytes written out field by field, the way Kafka's protocol guide lists them. */
class Bytes {
  readonly #parts: Buffer[] = [];
  i8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.#push(b);
  }
  i16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.#push(b);
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.#push(b);
  }
  i64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.#push(b);
  }
  /** A one-byte unsigned varint: every length and count below is under 127. */
  u(v: number): this {
    assert.ok(v < 0x80);
    return this.#push(Buffer.from([v]));
  }
  str(s: string): this {
    return this.i16(Buffer.byteLength(s)).#push(Buffer.from(s));
  }
  cstr(s: string | null): this {
    return s === null ? this.u(0) : this.u(Buffer.byteLength(s) + 1).#push(Buffer.from(s));
  }
  cbytes(b: Buffer): this {
    return this.u(b.length + 1).#push(b);
  }
  uuid(s: string): this {
    return this.#push(Buffer.from(s.replaceAll('-', ''), 'hex'));
  }
  /** An empty tagged-field section. */
  tags(): this {
    return this.u(0);
  }
  #push(b: Buffer): this {
    this.#parts.push(b);
    return this;
  }
  get buffer(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** Request header v2 (flexible): key, version, correlation id, client id (int16 string), no tags. */
const requestHeaderV2 = (apiKey: number, version: number): Bytes => new Bytes().i16(apiKey).i16(version).i32(7).str('c').tags();
/** Response header v1 (flexible): correlation id, no tags. */
const responseHeaderV1 = (): Bytes => new Bytes().i32(7).tags();

function assertRequestBytes(schema: ApiSchema, version: number, body: object, want: Buffer): void {
  assert.equal(concat(encodeRequest(schema, version, 7, 'c', body)).subarray(4).toString('hex'), want.toString('hex'));
  const header = readRequestHeader(want);
  assert.deepEqual(decodeRequest(schema, version, want, header.bodyOffset), body);
}

function assertResponseBytes(schema: ApiSchema, version: number, body: object, want: Buffer): void {
  assert.equal(concat(encodeResponse(schema, version, 7, body)).subarray(4).toString('hex'), want.toString('hex'));
  assert.deepEqual(decodeResponse(schema, version, want).body, body);
}

const TOPIC_ID = '8f3b2c1d-4e5f-4a6b-9c7d-0e1f2a3b4c5d';

describe('kafka codec > group APIs > versions against bytes from the grammar', () => {
  test('FindCoordinator v6 request and response: batched keys (KIP-699)', () => {
    const request: FindCoordinatorRequest = { key: '', keyType: 0, coordinatorKeys: ['orders', 'billing'] };
    assertRequestBytes(FIND_COORDINATOR, 6, request,
      Buffer.concat([requestHeaderV2(10, 6).buffer, new Bytes().i8(0).u(3).cstr('orders').cstr('billing').tags().buffer]));
    const response: FindCoordinatorResponse = {
      // v4+ has no top-level error message; absent, a string that is not nullable there decodes as ''.
      throttleTimeMs: 0, errorCode: 0, errorMessage: '', nodeId: 0, host: '', port: 0,
      coordinators: [
        { key: 'orders', nodeId: 0, host: '127.0.0.1', port: 9092, errorCode: 0, errorMessage: null },
        { key: 'billing', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'no coordinator' },
      ],
    };
    assertResponseBytes(FIND_COORDINATOR, 6, response, Buffer.concat([responseHeaderV1().buffer, new Bytes()
      .i32(0).u(3)
      .cstr('orders').i32(0).cstr('127.0.0.1').i32(9092).i16(0).cstr(null).tags()
      .cstr('billing').i32(-1).cstr('').i32(-1).i16(15).cstr('no coordinator').tags()
      .tags().buffer]));
  });

  test('JoinGroup v9 request (reason) and response (protocol type, skip assignment)', () => {
    const request: JoinGroupRequest = {
      groupId: 'g', sessionTimeoutMs: 45000, rebalanceTimeoutMs: 300000, memberId: 'm-1', groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from([0, 3]) }], reason: 'rejoining',
    };
    assertRequestBytes(JOIN_GROUP, 9, request, Buffer.concat([requestHeaderV2(11, 9).buffer, new Bytes()
      .cstr('g').i32(45000).i32(300000).cstr('m-1').cstr(null).cstr('consumer')
      .u(2).cstr('range').cbytes(Buffer.from([0, 3])).tags()
      .cstr('rejoining').tags().buffer]));
    const response: JoinGroupResponse = {
      throttleTimeMs: 0, errorCode: 0, generationId: 3, protocolType: 'consumer', protocolName: 'range', leader: 'm-1',
      skipAssignment: false, memberId: 'm-1', members: [{ memberId: 'm-1', groupInstanceId: 'i-1', metadata: Buffer.from([1]) }],
    };
    assertResponseBytes(JOIN_GROUP, 9, response, Buffer.concat([responseHeaderV1().buffer, new Bytes()
      .i32(0).i16(0).i32(3).cstr('consumer').cstr('range').cstr('m-1').i8(0).cstr('m-1')
      .u(2).cstr('m-1').cstr('i-1').cbytes(Buffer.from([1])).tags()
      .tags().buffer]));
  });

  test('LeaveGroup v5: several members, each with a reason', () => {
    const request: LeaveGroupRequest = {
      groupId: 'g', memberId: '',
      members: [{ memberId: 'm-1', groupInstanceId: null, reason: 'shutdown' }, { memberId: '', groupInstanceId: 'i-2', reason: null }],
    };
    assertRequestBytes(LEAVE_GROUP, 5, request, Buffer.concat([requestHeaderV2(13, 5).buffer, new Bytes()
      .cstr('g').u(3)
      .cstr('m-1').cstr(null).cstr('shutdown').tags()
      .cstr('').cstr('i-2').cstr(null).tags()
      .tags().buffer]));
  });

  test('OffsetCommit v10 names the topic by id, not by name', () => {
    const request: OffsetCommitRequest = {
      groupId: 'g', generationIdOrMemberEpoch: 4, memberId: 'm-1', groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: '', topicId: TOPIC_ID, partitions: [
        { partitionIndex: 2, committedOffset: 1234, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' },
      ] }],
    };
    assertRequestBytes(OFFSET_COMMIT, 10, request, Buffer.concat([requestHeaderV2(8, 10).buffer, new Bytes()
      .cstr('g').i32(4).cstr('m-1').cstr(null)
      .u(2).uuid(TOPIC_ID).u(2).i32(2).i64(1234).i32(-1).cstr('').tags().tags()
      .tags().buffer]));
  });

  test('OffsetFetch v10 asks per group, by topic id, and may ask for every topic (null)', () => {
    const request: OffsetFetchRequest = {
      groupId: '', topics: [], requireStable: true,
      groups: [
        { groupId: 'a', memberId: null, memberEpoch: -1, topics: [{ name: '', topicId: TOPIC_ID, partitionIndexes: [0, 1] }] },
        { groupId: 'b', memberId: 'm-9', memberEpoch: 5, topics: null },
      ],
    };
    assertRequestBytes(OFFSET_FETCH, 10, request, Buffer.concat([requestHeaderV2(9, 10).buffer, new Bytes()
      .u(3)
      .cstr('a').cstr(null).i32(-1).u(2).uuid(TOPIC_ID).u(3).i32(0).i32(1).tags().tags()
      .cstr('b').cstr('m-9').i32(5).u(0).tags()
      .i8(1).tags().buffer]));
    const response: OffsetFetchResponse = {
      throttleTimeMs: 0, topics: [], errorCode: 0,
      groups: [{ groupId: 'a', errorCode: 0, topics: [{ name: '', topicId: TOPIC_ID, partitions: [
        { partitionIndex: 0, committedOffset: 99, committedLeaderEpoch: 2, metadata: null, errorCode: 0 },
      ] }] }],
    };
    assertResponseBytes(OFFSET_FETCH, 10, response, Buffer.concat([responseHeaderV1().buffer, new Bytes()
      .i32(0).u(2)
      .cstr('a').u(2).uuid(TOPIC_ID).u(2).i32(0).i64(99).i32(2).cstr(null).i16(0).tags().tags().i16(0).tags()
      .tags().buffer]));
  });

  test('OffsetFetch v7 (flexible, before groups): null topics means every topic', () => {
    const request: OffsetFetchRequest = { groupId: 'g', topics: null, groups: [], requireStable: false };
    assertRequestBytes(OFFSET_FETCH, 7, request,
      Buffer.concat([requestHeaderV2(9, 7).buffer, new Bytes().cstr('g').u(0).i8(0).tags().buffer]));
  });

  test('ListGroups v5: states and types filters (KIP-518, KIP-848)', () => {
    const request: ListGroupsRequest = { statesFilter: ['Stable', 'Empty'], typesFilter: ['classic'] };
    assertRequestBytes(LIST_GROUPS, 5, request, Buffer.concat([requestHeaderV2(16, 5).buffer,
      new Bytes().u(3).cstr('Stable').cstr('Empty').u(2).cstr('classic').tags().buffer]));
    const response: ListGroupsResponse = {
      throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }],
    };
    assertResponseBytes(LIST_GROUPS, 5, response, Buffer.concat([responseHeaderV1().buffer,
      new Bytes().i32(0).i16(0).u(2).cstr('g').cstr('consumer').cstr('Stable').cstr('classic').tags().tags().buffer]));
  });

  test('DescribeGroups v6: an unknown group with GROUP_ID_NOT_FOUND and its message (KIP-1043)', () => {
    const response: DescribeGroupsResponse = {
      throttleTimeMs: 0,
      groups: [{
        errorCode: 69, errorMessage: 'Group nope not found.', groupId: 'nope', groupState: 'Dead', protocolType: '',
        protocolData: '', members: [], authorizedOperations: -2147483648,
      }],
    };
    assertResponseBytes(DESCRIBE_GROUPS, 6, response, Buffer.concat([responseHeaderV1().buffer, new Bytes()
      .i32(0).u(2).i16(69).cstr('Group nope not found.').cstr('nope').cstr('Dead').cstr('').cstr('').u(1).i32(-2147483648).tags()
      .tags().buffer]));
  });

  test('DeleteGroups v2 and SaslAuthenticate v2 (flexible) against the grammar', () => {
    assertRequestBytes(DELETE_GROUPS, 2, { groupsNames: ['g'] },
      Buffer.concat([requestHeaderV2(42, 2).buffer, new Bytes().u(2).cstr('g').tags().buffer]));
    const auth: SaslAuthenticateResponse = { errorCode: 0, errorMessage: null, authBytes: Buffer.from('v=sig'), sessionLifetimeMs: 3_600_000 };
    assertResponseBytes(SASL_AUTHENTICATE, 2, auth, Buffer.concat([responseHeaderV1().buffer,
      new Bytes().i16(0).cstr(null).cbytes(Buffer.from('v=sig')).i64(3_600_000).tags().buffer]));
  });

  test('versions Kafka 4.x refuses are refused: OffsetCommit v0-1, OffsetFetch v0, and one past the top', () => {
    for (const [schema, version] of [[OFFSET_COMMIT, 1], [OFFSET_COMMIT, 11], [OFFSET_FETCH, 0], [JOIN_GROUP, 10], [SASL_HANDSHAKE, 2]] as const) {
      // A trailing empty tag section, so that the header of a flexible version reads to its end.
      const frame = new Bytes().i16(schema.apiKey).i16(version).i32(1).str('c').tags().buffer;
      assert.equal(readRequestHeader(frame).supported, false, `${schema.name} v${version}`);
      assert.throws(() => decodeRequest(schema, version, frame, readRequestHeader(frame).bodyOffset));
    }
  });
});
