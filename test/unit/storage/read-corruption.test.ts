// Reads over damage recovery did not look for: a closed segment whose size still matches its row
// is trusted at open, so a broken length field inside it is met only by a read. The read must
// fail with CorruptBatchError naming the file, never loop forever or serve bytes past the segment.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH_LENGTH_OFFSET } from '../../../src/records/record-batch.js';
import { CorruptBatchError } from '../../../src/common/errors.js';
import { appendAll, batchesInFile, makeBatches, offsetsOf, range, readAll, useStorageFixture, writeAt } from '../../helpers/storage-fixtures.js';

describe('storage > PartitionLog > read over a damaged closed segment', () => {
  const fixture = useStorageFixture();

  for (const batchLength of [-12, -1000, 0x7fff0000]) {
    test(`a length field of ${batchLength} fails the read with CorruptBatchError`, () => {
      const { logs, log } = fixture.openTopic('t', { 'segment.bytes': '1024' });
      appendAll(log, makeBatches(range(20).map(() => 2), { valueBytes: 60 }));
      fixture.close(logs);
      const [first, second] = fixture.segmentPaths();
      const batches = batchesInFile(first!);
      const field = Buffer.alloc(4);
      field.writeInt32BE(batchLength);
      writeAt(first!, batches[1]!.position + BATCH_LENGTH_OFFSET, field);

      const { log: reopened, recovered } = fixture.reopen(null);
      assert.deepEqual(recovered, [], 'the closed segment is trusted: its size did not change');
      assert.throws(
        () => readAll(reopened, 0, 1),
        (err: unknown) => err instanceof CorruptBatchError && err.message.includes(first!),
      );
      assert.throws(() => reopened.read(batches[1]!.baseOffset, 1 << 20), CorruptBatchError);
      const secondBase = batchesInFile(second!)[0]!.baseOffset;
      assert.deepEqual(offsetsOf(readAll(reopened, secondBase)), range(40 - secondBase, secondBase), 'later segments still read');
    });
  }
});
