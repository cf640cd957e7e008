// MessageSplitter: next() and nextRun() cut the same messages out of the same input, however the
// input is cut into chunks, and neither keeps a view of a chunk once the next one is fed.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MessageSplitter } from '../../../src/cli/input/message-splitter.js';

const TEXT = 'alpha\n\nbravo charlie\nd\n\n\nlong ' + 'e'.repeat(40) + '\nlast without newline';

/** Feed `text` in chunks of `size` bytes, reusing one chunk buffer, and collect the messages. */
function split(text: string, size: number, runs: boolean): string[] {
  const input = Buffer.from(text);
  const chunk = Buffer.alloc(size);
  const splitter = new MessageSplitter(Buffer.from('\n'));
  const out: string[] = [];
  for (let at = 0; at < input.length; at += size) {
    const length = input.copy(chunk, 0, at, at + size);
    splitter.feed(chunk.subarray(0, length));
    if (runs) {
      while (splitter.nextRun()) {
        const run = splitter.buf.subarray(splitter.start, splitter.end);
        assert.equal(run[run.length - 1], 0x0a, 'a run ends with the delimiter');
        out.push(...run.toString().slice(0, -1).split('\n'));
      }
    } else {
      while (splitter.next()) out.push(splitter.buf.toString('utf8', splitter.start, splitter.end));
    }
    chunk.fill(0x21); // the reader writes the next input here: nothing kept may still point into it
  }
  if (splitter.finish()) out.push(splitter.buf.toString('utf8', splitter.start, splitter.end));
  return out;
}

describe('cli > MessageSplitter', () => {
  const expected = TEXT.split('\n');

  for (const runs of [false, true]) {
    test(`${runs ? 'nextRun' : 'next'}: the same messages for every chunk size`, () => {
      for (let size = 1; size <= TEXT.length + 1; size++) assert.deepEqual(split(TEXT, size, runs), expected, `chunks of ${size}`);
    });
  }

  test('nextRun hands out every whole message of a chunk at once', () => {
    const splitter = new MessageSplitter(Buffer.from('\n'));
    splitter.feed(Buffer.from('a\nbb\nccc'));
    assert.ok(splitter.nextRun());
    assert.equal(splitter.buf.toString('utf8', splitter.start, splitter.end), 'a\nbb\n');
    assert.equal(splitter.joined, false);
    assert.equal(splitter.nextRun(), false);
    const second = Buffer.from('c\nd\n');
    splitter.feed(second);
    assert.ok(splitter.nextRun());
    assert.equal(splitter.buf.toString('utf8', splitter.start, splitter.end), 'cccc\n');
    assert.equal(splitter.joined, true, 'the message that spanned the chunks is a join of its own');
    assert.ok(splitter.nextRun());
    assert.equal(splitter.buf.toString('utf8', splitter.start, splitter.end), 'd\n');
    assert.equal(splitter.joined, false, "the rest of the chunk is the reader's memory again");
    assert.equal(splitter.nextRun(), false);
    assert.equal(splitter.finish(), false);
  });

  test('nextRun refuses a delimiter of more than one byte', () => {
    const splitter = new MessageSplitter(Buffer.from('||'));
    splitter.feed(Buffer.from('a||b||'));
    assert.throws(() => splitter.nextRun(), RangeError);
  });
});
