// e2e: the Kafka listener at the wire, with requests encoded by spool's own codec in the newest
// versions no Debian client speaks yet: topic ids (Metadata v12+, Fetch v13+) stable across a
// restart with the cluster id, DescribeCluster, OffsetForLeaderEpoch, ListOffsets by timestamp
// and max timestamp, DeleteRecords, a fetch that waits for min bytes, and fetch sessions declined.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kafkaSandbox } from '../helpers/kafka-clients.js';
import { RawClient } from '../helpers/kafka-raw-client.js';
import { assertExit } from '../helpers/spool-cli.js';
import type { SpoolSandbox } from '../helpers/spool-sandbox.js';
import { DELETE_RECORDS, type DeleteRecordsResponse } from '../../src/kafka/protocol/apis/delete-records.js';
import { DESCRIBE_CLUSTER, type DescribeClusterResponse } from '../../src/kafka/protocol/apis/describe-cluster.js';
import { FETCH, type FetchResponse } from '../../src/kafka/protocol/apis/fetch.js';
import { LIST_OFFSETS, type ListOffsetsResponse } from '../../src/kafka/protocol/apis/list-offsets.js';
import { METADATA, type MetadataResponse } from '../../src/kafka/protocol/apis/metadata.js';
import { OFFSET_FOR_LEADER_EPOCH, type OffsetForLeaderEpochResponse } from '../../src/kafka/protocol/apis/offset-for-leader-epoch.js';
import { RecordCursor } from '../../src/records/record-cursor.js';
import { batchSizeAt } from '../../src/records/record-batch.js';

const ZERO = '00000000-0000-0000-0000-000000000000';

function values(records: Buffer): string[] {
  const out: string[] = [];
  const cursor = new RecordCursor();
  for (let pos = 0; pos < records.length; pos += batchSizeAt(records, pos)) {
    cursor.open(records, pos, batchSizeAt(records, pos));
    while (cursor.next()) out.push(cursor.value()?.toString() ?? "");
  }
  return out;
}

describe('e2e > Kafka listener at the wire (newest versions)', () => {
  let sandbox: SpoolSandbox;
  let bootstrap: string;

  before(async () => {
    ({ sandbox, bootstrap } = await kafkaSandbox());
    const input = ['a', 'b', 'c', 'd'].map((v, i) => JSON.stringify({ key: null, value: v, timestamp: 1_800_000_000_000 + i * 1000 })).join('\n') + '\n';
    assertExit(await sandbox.run(['produce', 'wire', '--json'], { input }), 0);
  });

  after(async () => {
    await sandbox?.cleanup();
  });

  async function metadata(client: RawClient): Promise<MetadataResponse> {
    client.send(METADATA, 12, { topics: [{ topicId: ZERO, name: 'wire' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    return (await client.response<MetadataResponse>(METADATA, 12))!;
  }

  test('topic ids and the cluster id stay the same across a restart; Metadata and Fetch find a topic by its id', async () => {
    let client = await RawClient.open(bootstrap);
    const first = await metadata(client);
    const topicId = first.topics[0]!.topicId;
    assert.notEqual(topicId, ZERO);
    assert.match(first.clusterId ?? '', /^[A-Za-z0-9_-]{22}$/);
    client.destroy();

    await sandbox.run(['broker', 'stop']);
    const restarted = await sandbox.startBroker(['--kafka', bootstrap]);
    assert.equal(restarted.kafka, bootstrap);
    client = await RawClient.open(bootstrap);
    const second = await metadata(client);
    assert.equal(second.topics[0]!.topicId, topicId, 'the topic id survives a restart');
    assert.equal(second.clusterId, first.clusterId, 'the cluster id survives a restart');

    // By id alone (v12: name null).
    client.send(METADATA, 12, { topics: [{ topicId, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const byId = (await client.response<MetadataResponse>(METADATA, 12))!;
    assert.equal(byId.topics[0]!.name, 'wire');
    client.send(METADATA, 12, { topics: [{ topicId: '0f0f0f0f-0000-0000-0000-000000000001', name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal((await client.response<MetadataResponse>(METADATA, 12))!.topics[0]!.errorCode, 100, 'UNKNOWN_TOPIC_ID');

    // Fetch v16 names topics by id.
    const fetch = (id: string) => ({
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: '', topicId: id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    client.send(FETCH, 16, fetch(topicId));
    const fetched = (await client.response<FetchResponse>(FETCH, 16))!;
    assert.equal(fetched.sessionId, 0, 'fetch sessions are declined');
    const part = fetched.responses[0]!.partitions[0]!;
    assert.equal(part.errorCode, 0);
    assert.equal(part.highWatermark, 4);
    assert.deepEqual(values(part.records as Buffer).slice(-3), ['b', 'c', 'd']);
    client.send(FETCH, 16, fetch('0f0f0f0f-0000-0000-0000-000000000001'));
    assert.equal((await client.response<FetchResponse>(FETCH, 16))!.responses[0]!.partitions[0]!.errorCode, 100);
    // An incremental fetch for a session spool never opened.
    client.send(FETCH, 16, { ...fetch(topicId), sessionId: 42, sessionEpoch: 3 });
    assert.equal((await client.response<FetchResponse>(FETCH, 16))!.errorCode, 70, 'FETCH_SESSION_ID_NOT_FOUND');
    client.destroy();
  });

  test('DescribeCluster, OffsetForLeaderEpoch and ListOffsets (timestamps, max timestamp) answer as one broker in epoch 0', async () => {
    const client = await RawClient.open(bootstrap);
    client.send(DESCRIBE_CLUSTER, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers: false });
    const cluster = (await client.response<DescribeClusterResponse>(DESCRIBE_CLUSTER, 2))!;
    assert.equal(cluster.controllerId, 0);
    assert.deepEqual(cluster.brokers.map((b) => [b.brokerId, `${b.host}:${b.port}`]), [[0, bootstrap]]);

    client.send(OFFSET_FOR_LEADER_EPOCH, 4, { replicaId: -1, topics: [{ topic: 'wire', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }, { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 3 }, { partition: 7, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] });
    const epochs = (await client.response<OffsetForLeaderEpochResponse>(OFFSET_FOR_LEADER_EPOCH, 4))!.topics[0]!.partitions;
    assert.deepEqual(epochs.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset]), [[0, 0, 4], [0, -1, -1], [3, -1, -1]]);

    const at = (timestamp: number) => ({ partitionIndex: 0, currentLeaderEpoch: -1, timestamp });
    client.send(LIST_OFFSETS, 9, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'wire', partitions: [at(-2), at(-1), at(-3), at(1_800_000_001_500), at(1_900_000_000_000)] }] });
    const listed = (await client.response<ListOffsetsResponse>(LIST_OFFSETS, 9))!.topics[0]!.partitions;
    assert.deepEqual(listed.map((p) => [p.offset, p.timestamp]), [[0, -1], [4, -1], [3, 1_800_000_003_000], [2, 1_800_000_002_000], [-1, -1]]);

    client.send(DELETE_RECORDS, 2, { topics: [{ name: 'wire', partitions: [{ partitionIndex: 0, offset: 2 }] }], timeoutMs: 1000 });
    const deleted = (await client.response<DeleteRecordsResponse>(DELETE_RECORDS, 2))!.topics[0]!.partitions[0]!;
    assert.deepEqual([deleted.errorCode, deleted.lowWatermark], [0, 2]);
    client.send(DELETE_RECORDS, 2, { topics: [{ name: 'wire', partitions: [{ partitionIndex: 0, offset: 99 }] }], timeoutMs: 1000 });
    assert.equal((await client.response<DeleteRecordsResponse>(DELETE_RECORDS, 2))!.topics[0]!.partitions[0]!.errorCode, 1, 'OFFSET_OUT_OF_RANGE');
    const offsets = JSON.parse((await sandbox.run(['topic', 'offsets', 'wire', '--json'])).stdout.toString()) as Array<{ logStartOffset: number }>;
    assert.equal(offsets[0]!.logStartOffset, 2, 'spool topic offsets sees the trim');
    client.destroy();
  });

  test('a fetch at the end waits for min bytes and is woken by a produce through the socket', async () => {
    const client = await RawClient.open(bootstrap);
    const started = Date.now();
    client.send(FETCH, 12, {
      replicaId: -1, maxWaitMs: 10_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'wire', topicId: ZERO, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 4, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const answer = client.response<FetchResponse>(FETCH, 12);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assertExit(await sandbox.run(['produce', 'wire'], { input: 'e\n' }), 0);
    const fetched = (await answer)!;
    assert.ok(Date.now() - started < 9000, 'answered on the append, not at the max wait');
    assert.deepEqual(values(fetched.responses[0]!.partitions[0]!.records as Buffer), ['e']);
    client.destroy();
  });
});
