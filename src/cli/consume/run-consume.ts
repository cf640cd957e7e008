// The consume loop without a group: resolve start positions, fetch, write records to stdout until
// every partition reaches its stop (-e, --until), -c is met, stdout closes or Ctrl-C. A lost
// broker is waited for, and reading goes on from the same positions once it is back.
import type { ConsumerOptions, PartitionPosition } from '../../client/consumer.js';
import type { RecordFetcher, Target } from '../../client/target/target.js';
import { isConnectionLost, openTarget } from '../open-target.js';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { offsetResetNotice } from './offset-reset-notice.js';
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
  const target = await openTarget(globals, io);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const topics = await resolveTopics(target.admin, settings.topics);
    const positions = await startPositions(target.admin, topics, settings.positions);
    const onOffsetReset = offsetResetNotice(io.stderr);
    const writer = new RecordWriter(io.stdout, settings.writer);
    let consumer = newConsumer(target, positions, onOffsetReset);
    for (;;) {
      try {
        await consumeAll(consumer, writer, abort.signal);
        break;
      } catch (err) {
        if (!isConnectionLost(err) || !(await target.reconnect(err, abort.signal))) throw err;
        // Go on from the positions reached: the fetch that failed had not moved them.
        consumer = newConsumer(target, consumer.assignment(), onOffsetReset);
      }
    }
    await writer.finish();
  } catch (err) {
    // Ctrl-C while waiting for a lost broker is a clean stop.
    if (!(abort.signal.aborted && isConnectionLost(err))) throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await target.close();
  }
}

function newConsumer(target: Target, positions: readonly PartitionPosition[], onOffsetReset: ConsumerOptions['onOffsetReset']): RecordFetcher {
  const consumer = target.fetcher({
    maxWaitMs: FETCH_MAX_WAIT_MS,
    maxBytes: FETCH_MAX_BYTES,
    partitionMaxBytes: PARTITION_MAX_BYTES,
    ...(onOffsetReset === undefined ? {} : { onOffsetReset }),
  });
  for (const position of positions) consumer.assign(position);
  return consumer;
}

/** Fetch and write until every partition reached its stop, the writer is done, or `signal` aborts. */
async function consumeAll(consumer: RecordFetcher, writer: RecordWriter, signal: AbortSignal): Promise<void> {
  for await (const fetched of consumer.fetches(signal)) {
    for (const data of fetched) {
      const progress = await writer.writePartition(data);
      if (progress.stoppedAt !== null) {
        const position = consumer.position(data.topic, data.partition);
        if (position !== undefined) position.stopOffset = Math.min(position.stopOffset ?? Infinity, progress.stoppedAt, position.offset);
      }
      if (writer.done) break;
    }
    // flush() returns once stdout has taken every byte, so the fetched data (which the value
    // format writes from directly) can be reused.
    await writer.flush();
    consumer.recycle(fetched);
    if (writer.done) return;
  }
}
