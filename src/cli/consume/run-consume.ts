// The consume loop without a group: resolve start positions, then read (client/reading/
// read-partitions.ts) into stdout until every partition reaches its stop (-e, --until), -c is
// met, stdout closes or Ctrl-C. A lost broker is waited for, and reading goes on from the same
// positions once it is back.
import { tierUpSooner } from '../../common/v8-tiering.js';
import { readPartitions } from '../../client/reading/read-partitions.js';
import { resolveTopics, startPositions, type PositionOptions } from '../../client/reading/start-positions.js';
import { isConnectionLost, openTarget } from '../open-target.js';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { offsetResetNotice } from './offset-reset-notice.js';
import { RecordWriter, type RecordWriterOptions } from './record-writer.js';

export interface ConsumeSettings {
  topics: string[];
  positions: PositionOptions;
  writer: RecordWriterOptions;
}

export async function runConsume(globals: GlobalOptions, settings: ConsumeSettings, io: CliIo): Promise<void> {
  tierUpSooner();
  const target = await openTarget(globals, io);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const topics = await resolveTopics(target.admin, settings.topics);
    const positions = await startPositions(target.admin, topics, settings.positions);
    const writer = new RecordWriter(io.stdout, settings.writer);
    await readPartitions(target, positions, writer, abort.signal, { onOffsetReset: offsetResetNotice(io.stderr) });
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
