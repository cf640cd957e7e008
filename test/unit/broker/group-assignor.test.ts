import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assignPartitions, type AssignorMember, type TopicPartition } from '../../../src/broker/group-assignor.js';

function partitions(topic: string, count: number): TopicPartition[] {
  return Array.from({ length: count }, (_, partition) => ({ topic, partition }));
}

function member(memberId: string, owned: TopicPartition[] = [], topics: string[] = ['t']): AssignorMember {
  return { memberId, owned, subscribes: (topic) => topics.includes(topic) };
}

function counts(result: Map<string, TopicPartition[]>): number[] {
  return [...result.values()].map((l) => l.length).sort((a, b) => b - a);
}

describe('broker > group assignor', () => {
  test('spreads 6 partitions over 3 members two each', () => {
    const result = assignPartitions([member('a'), member('b'), member('c')], partitions('t', 6));
    assert.deepEqual(counts(result), [2, 2, 2]);
  });

  test('a fourth member gets partitions from the others: 2/2/1/1, and the rest stay put', () => {
    const first = assignPartitions([member('a'), member('b'), member('c')], partitions('t', 6));
    const second = assignPartitions(
      [member('a', first.get('a')), member('b', first.get('b')), member('c', first.get('c')), member('d')],
      partitions('t', 6),
    );
    assert.deepEqual(counts(second), [2, 2, 1, 1]);
    let kept = 0;
    for (const id of ['a', 'b', 'c']) kept += second.get(id)!.filter((tp) => first.get(id)!.some((o) => o.partition === tp.partition)).length;
    assert.equal(kept, 6 - second.get('d')!.length, 'only the partitions the newcomer takes move');
  });

  test('a leaving member only moves its own partitions', () => {
    const first = assignPartitions([member('a'), member('b'), member('c')], partitions('t', 6));
    const second = assignPartitions([member('a', first.get('a')), member('b', first.get('b'))], partitions('t', 6));
    assert.deepEqual(counts(second), [3, 3]);
    for (const id of ['a', 'b']) for (const tp of first.get(id)!) assert.ok(second.get(id)!.some((o) => o.partition === tp.partition));
  });

  test('every partition goes to exactly one member, for any member count', () => {
    for (let members = 1; members <= 9; members++) {
      for (const count of [0, 1, 5, 12]) {
        const list = Array.from({ length: members }, (_, i) => member(`m${i}`));
        const result = assignPartitions(list, partitions('t', count));
        const all = [...result.values()].flat().map((tp) => tp.partition).sort((a, b) => a - b);
        assert.deepEqual(all, [...Array(count).keys()]);
        const c = counts(result);
        assert.ok(c[0]! - c[c.length - 1]! <= 1, `balanced: ${c}`);
      }
    }
  });

  test('members only get topics they subscribe to', () => {
    const result = assignPartitions([member('a', [], ['x']), member('b', [], ['x', 'y'])], [...partitions('x', 2), ...partitions('y', 2)]);
    assert.ok(result.get('a')!.every((tp) => tp.topic === 'x'));
    assert.equal([...result.values()].flat().length, 4);
  });
});
