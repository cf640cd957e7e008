// The top command once its flags are read: one JSON snapshot, or the live view on a terminal.
import { liveViewEnabled } from '../../ui/render-live.js';
import { isConnectionLost, openTarget } from '../open-target.js';
import { paletteFor } from '../../term/colors.js';
import type { GlobalOptions } from '../global-options.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { TopSampler } from './top-sampler.js';
import { topJson } from '../../term/top-tables.js';
import { sleepUnlessAborted } from '../../common/interval-sleep.js';

export async function runTop(globals: GlobalOptions, options: { json: boolean; intervalMs: number }, io: CliIo): Promise<void> {
  const { intervalMs } = options;
  const link = await openTarget(globals, io);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const sampler = new TopSampler(link);
    if (options.json || !liveViewEnabled(io)) {
      await sampler.sample();
      await sleepUnlessAborted(intervalMs, abort.signal);
      if (abort.signal.aborted) return;
      await writeOut(io.stdout, JSON.stringify(topJson(await sampler.sample())) + '\n');
      return;
    }
    const { showTopView } = await import('../../ui/top-view.js');
    // The dashboard outlives a broker restart: it says it is waiting (not on stderr, which
    // would tear the view) and goes on when the broker is back.
    link.onEvent = () => undefined;
    const recover = async (err: unknown) => isConnectionLost(err) && (await link.reconnect(err, abort.signal));
    await showTopView({ load: () => sampler.sample(), recover, intervalMs, palette: paletteFor(io.stdout, io.env) }, io, abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    abort.abort(); // q ends the view while a reconnect may still be waiting
    await link.close();
  }
}
