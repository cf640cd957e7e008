// `spool consume -g` (SPEC §3 consume, §5): the group read of client/reading/group-reader.ts with
// stdout as its sink. Offsets are committed only for records stdout has taken (after a closed
// pipe: those the pipe took before it closed). Ctrl-C commits, leaves the group and exits 0.
import { tierUpSooner } from '../../common/v8-tiering.js';
import { hostname } from 'node:os';
import { OffsetTracker } from '../../client/reading/offset-tracker.js';
import { readAsGroup, type GroupSettings } from '../../client/reading/group-reader.js';
import { openTarget } from '../open-target.js';
import type { GlobalOptions } from '../global-options.js';
import { stdoutWritesWhole, type CliIo } from '../../term/io.js';
import { offsetResetNotice } from './offset-reset-notice.js';
import { RecordWriter } from './record-writer.js';
import type { ConsumeSettings } from './run-consume.js';

export async function runGroupConsume(globals: GlobalOptions, settings: ConsumeSettings, group: GroupSettings, io: CliIo): Promise<void> {
  tierUpSooner();
  const target = await openTarget(globals, io);
  const tracker = new OffsetTracker();
  const writer = new RecordWriter(io.stdout, {
    ...settings.writer,
    onWritten: (topic, partition, nextOffset) => tracker.written({ topic, partition }, nextOffset),
    wholeWrites: stdoutWritesWhole(io),
  });
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const options = {
      topics: settings.topics,
      positions: settings.positions,
      group,
      clientId: `spool-${hostname()}-${process.pid}`,
      onOffsetReset: offsetResetNotice(io.stderr),
      onRejoin: (message: string) => io.stderr.write(`spool: ${message}\n`),
    };
    await readAsGroup(target, options, writer, tracker, stopping.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await target.close();
  }
}
