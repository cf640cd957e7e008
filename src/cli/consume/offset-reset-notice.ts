// The one line a reader prints when a position it asked for is gone (retention or `topic trim`
// removed it) and it goes on from the log start: once per partition, however often it happens.
// A move the other way (the topic was recreated, so the position is past the new log end) is
// not news to the reader and says nothing.
import type { ConsumerOptions } from '../../client/consumer.js';
import type { CliIo } from '../../term/io.js';

export function offsetResetNotice(stderr: CliIo['stderr'], quiet = false): NonNullable<ConsumerOptions['onOffsetReset']> {
  const told = new Set<string>();
  return (topic, partition, from, to) => {
    const key = `${topic}/${partition}`;
    if (quiet || to < from || told.has(key)) return;
    told.add(key);
    stderr.write(`spool: ${key}: offset ${from} is no longer in the log (retention or trim); continuing from ${to}\n`);
  };
}
