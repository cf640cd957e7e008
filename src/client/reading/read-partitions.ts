// Reading assigned partitions without a group: fetch from the start positions and hand the data
// to a sink until every partition reaches its stop, the sink is done or `signal` aborts. A lost
// broker is waited for, and reading goes on from the positions reached once it is back.
import { BrokerUnavailableError } from '../../common/errors.js';
import type { ConsumerOptions, PartitionPosition } from '../consumer.js';
import type { RecordFetcher, Target } from '../target/target.js';
import type { RecordSink } from './record-sink.js';

export const FETCH_MAX_WAIT_MS = 500;
export const FETCH_MAX_BYTES = 4 << 20;
export const PARTITION_MAX_BYTES = 1 << 20;

export interface FetchLimits {
  maxWaitMs: number;
  maxBytes: number;
  partitionMaxBytes: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxWaitMs: FETCH_MAX_WAIT_MS, maxBytes: FETCH_MAX_BYTES, partitionMaxBytes: PARTITION_MAX_BYTES };

export async function readPartitions(
  target: Target,
  positions: readonly PartitionPosition[],
  sink: RecordSink,
  signal: AbortSignal,
  options: { limits?: FetchLimits; onOffsetReset?: ConsumerOptions['onOffsetReset'] } = {},
): Promise<void> {
  const fetcherOptions: ConsumerOptions = {
    ...(options.limits ?? DEFAULT_FETCH_LIMITS),
    ...(options.onOffsetReset === undefined ? {} : { onOffsetReset: options.onOffsetReset }),
  };
  let fetcher = newFetcher(target, positions, fetcherOptions);
  for (;;) {
    try {
      await readAll(fetcher, sink, signal);
      return;
    } catch (err) {
      if (!(err instanceof BrokerUnavailableError) || !(await target.reconnect(err, signal))) throw err;
      // Go on from the positions reached: the fetch that failed had not moved them.
      fetcher = newFetcher(target, fetcher.assignment(), fetcherOptions);
    }
  }
}

function newFetcher(target: Target, positions: readonly PartitionPosition[], options: ConsumerOptions): RecordFetcher {
  const fetcher = target.fetcher(options);
  for (const position of positions) fetcher.assign(position);
  return fetcher;
}

/** Fetch and hand over until every partition reached its stop, the sink is done, or `signal` aborts. */
async function readAll(fetcher: RecordFetcher, sink: RecordSink, signal: AbortSignal): Promise<void> {
  for await (const fetched of fetcher.fetches(signal)) {
    for (const data of fetched) {
      const progress = await sink.writePartition(data);
      if (progress.stoppedAt !== null) {
        const position = fetcher.position(data.topic, data.partition);
        if (position !== undefined) position.stopOffset = Math.min(position.stopOffset ?? Infinity, progress.stoppedAt, position.offset);
      }
      if (sink.done) break;
    }
    // flush() returns once the reader has taken every record, so a sink that keeps no views into
    // the fetched data lets its memory be reused.
    await sink.flush();
    if (sink.releasesFetched) fetcher.recycle(fetched);
    if (sink.done) return;
  }
}
