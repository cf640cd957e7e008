// murmur2 against the vectors of Kafka's UtilsTest and librdkafka's unittest_murmur2, and the
// partition choice against what librdkafka (partitioner=murmur2_random) actually did.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, partitionForKey, toPositive } from '../../../src/records/murmur2.js';
import { loadMurmur2 } from '../../helpers/fixtures.js';

const fixture = loadMurmur2();

describe('records > murmur2', () => {
  test('the fixture holds both sources, 6 Kafka and 12 librdkafka vectors', () => {
    assert.deepEqual(
      fixture.vectors.map((v) => v.cases.length),
      [6, 12],
    );
  });

  for (const { source, cases } of fixture.vectors) {
    describe(source, () => {
      for (const vector of cases) {
        test(`hashes ${JSON.stringify(vector.key)} to ${vector.murmur2}`, () => {
          // librdkafka hashes a NULL key with length 0, exactly like "".
          const key = Buffer.from(vector.key ?? '', 'utf8');
          const hash = murmur2(key);
          assert.equal(hash, vector.murmur2);
          assert.equal((hash >>> 0).toString(16).padStart(8, '0'), vector.murmur2Hex);
          assert.equal(toPositive(hash), vector.toPositive);
        });
      }
    });
  }

  test('hashes a key the same wherever it sits in a larger buffer (unaligned views)', () => {
    const backing = Buffer.from('xxPreAmbleWillBeRemoved,ThePrePartThatIs', 'utf8');
    for (let start = 0; start < 6; start++) {
      const view = backing.subarray(start);
      assert.equal(murmur2(view), murmur2(Buffer.from(view)));
      assert.equal(murmur2(new Uint8Array(view)), murmur2(view));
    }
  });

  test('returns a signed int32 and toPositive clears only the sign bit', () => {
    assert.equal(toPositive(-1), 0x7fffffff);
    assert.equal(toPositive(-2147483648), 0);
    assert.equal(toPositive(5), 5);
    const hash = murmur2(Buffer.from('foobar'));
    assert.ok(hash >= -2147483648 && hash <= 2147483647 && Number.isInteger(hash));
  });
});

describe('records > partitionForKey', () => {
  const { partitionCount, observations } = fixture.librdkafkaObservedPartitions;

  test('the fixture observed 17 keys on a 4-partition topic', () => {
    assert.equal(partitionCount, 4);
    assert.equal(observations.length, 17);
  });

  for (const seen of observations) {
    test(`puts ${JSON.stringify(seen.key)} on partition ${seen.partition}, as librdkafka did`, () => {
      const key = Buffer.from(seen.key, 'utf8');
      assert.equal(murmur2(key), seen.murmur2);
      assert.equal(toPositive(murmur2(key)), seen.toPositive);
      assert.equal(partitionForKey(key, seen.partitions), seen.partition);
    });
  }

  test('stays within 0..partitions-1 for one partition and for many', () => {
    for (const partitions of [1, 3, 7, 1000]) {
      for (let i = 0; i < 200; i++) {
        const p = partitionForKey(Buffer.from(`key-${i}`), partitions);
        assert.ok(p >= 0 && p < partitions && Number.isInteger(p));
      }
    }
  });
});
