// LocalFetch's messages (spool-protocol(7)): a request is a Fetch request and min_file_bytes; an
// answer carries per partition either a file range (path, inode, position, end, end offset) and no
// records, or the records as a Fetch answer does. Both survive encoding, and the Fetch answer's
// own encoding is unchanged by the code they share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFetchRequest, decodeFetchResponse, encodeFetchResponse, type FetchTopicResult } from '../../../src/protocol/messages/fetch.js';
import { decodeLocalFetchRequest, decodeLocalFetchResponse, encodeLocalFetchRequest, encodeLocalFetchResponse } from '../../../src/protocol/messages/local-fetch.js';

const join = (parts: Buffer[]) => Buffer.concat(parts);

const fetch = {
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 4 << 20,
  topics: [{ topic: 'orders', partitions: [{ partition: 2, fetchOffset: 12_345_678_901, maxBytes: 1 << 20 }] }],
};

test('a LocalFetch request is a Fetch request followed by min_file_bytes', () => {
  const body = join(encodeLocalFetchRequest({ fetch, minFileBytes: 262_144 }));
  assert.deepEqual(decodeLocalFetchRequest(body), { fetch, minFileBytes: 262_144 });
  assert.deepEqual(decodeFetchRequest(body.subarray(0, body.length - 4)), fetch);
});

test('an answer with a file range for one partition and bytes for another decodes as it was', () => {
  const topics: FetchTopicResult[] = [
    {
      topic: 'orders',
      partitions: [
        {
          partition: 0,
          errorCode: 0,
          logStartOffset: 0,
          highWatermark: 9_000_000_000,
          records: Buffer.alloc(0),
          file: { path: '/data/topics/orders/0/00000000000000000000.log', inode: 4_294_967_297, position: 4096, end: 4_198_400, endOffset: 8_000_000_000 },
        },
        { partition: 1, errorCode: 0, logStartOffset: 3, highWatermark: 7, records: Buffer.from('batches') },
      ],
    },
    { topic: 'gone', partitions: [{ partition: 0, errorCode: 3, logStartOffset: -1, highWatermark: -1, records: Buffer.alloc(0) }] },
  ];
  assert.deepEqual(decodeLocalFetchResponse(join(encodeLocalFetchResponse(topics))), topics);
});

test('a Fetch answer encodes as before: its partitions have no file field', () => {
  const topics: FetchTopicResult[] = [{ topic: 't', partitions: [{ partition: 0, errorCode: 0, logStartOffset: 0, highWatermark: 2, records: Buffer.from('xy') }] }];
  const body = join(encodeFetchResponse(topics));
  // topics count, topic, partition count, partition head (26 bytes with the records' length), records
  assert.equal(body.length, 4 + 2 + 1 + 4 + 4 + 2 + 8 + 8 + 4 + 2);
  assert.deepEqual(decodeFetchResponse(body), topics);
});
