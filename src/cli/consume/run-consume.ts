// The consume loop without a group: resolve start positions, fetch, write records to stdout until
// every partition reaches its stop (-e, --until), -c is met, stdout closes or Ctrl-C.
import { Admin } from '../../client/admin.js';
import { Consumer } from '../../client/consumer.js';
import { connectToBroker } from '../broker-client.js';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { RecordWriter, type RecordWriterOptions } from './record-writer.js';
import { resolveTopics, startPositions, type PositionOptions } from './start-positions.js';

export interface ConsumeSettings {
  topics: string[];
  positions: PositionOptions;
  writer: RecordWriterOptions;
}

export const FETCH_MAX_WAIT_MS = 500;
export const FETCH_MAX_BYTES = 4 << 20;
export const PARTITION_MAX_BYTES = 1 << 20;

export async function runConsume(globals: GlobalOptions, settings: ConsumeSettings, io: CliIo): Promise<void> {
  const connection = await connectToBroker(globals);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const admin = new Admin(connection);
    const topics = await resolveTopics(admin, settings.topics);
    const positions = await startPositions(admin, topics, settings.positions);
    const warned = new Set<string>();
    const consumer = new Consumer(connection, {
      maxWaitMs: FETCH_MAX_WAIT_MS,
      maxBytes: FETCH_MAX_BYTES,
      partitionMaxBytes: PARTITION_MAX_BYTES,
      onOffsetReset: (topic, partition, from, to) => {
        const key = `${topic}/${partition}`;
        if (warned.has(key) || to < from) return;
        warned.add(key);
        io.stderr.write(`spool: ${key}: offset ${from} is no longer in the log (retention or trim); continuing from ${to}\n`);
      },
    });
    for (const position of positions) consumer.assign(position);
    const writer = new RecordWriter(io.stdout, settings.writer);
    for await (const fetched of consumer.fetches(abort.signal)) {
      for (const data of fetched) {
        const progress = await writer.writePartition(data);
        if (progress.stoppedAt !== null) {
          const position = consumer.position(data.topic, data.partition);
          if (position !== undefined) position.stopOffset = Math.min(position.stopOffset ?? Infinity, progress.stoppedAt, position.offset);
        }
        if (writer.done) break;
      }
      await writer.flush();
      if (writer.done) break;
    }
    await writer.finish();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    connection.close();
  }
}
