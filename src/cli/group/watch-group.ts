// `spool group describe G --watch`: the group again every second until Ctrl-C (or q in the live
// view). On a terminal the ink view (ui/group-view.tsx); otherwise plain blocks or JSON lines
// (watch-plain.ts). A broker lost meanwhile is waited for: the live view says so above its last
// tables, the plain output says so once on stderr, and both go on when a broker is back.
import type { GroupDescription } from '../../protocol/messages/group-admin.js';
import { liveViewEnabled } from '../../ui/render-live.js';
import { isConnectionLost, openTarget } from '../open-target.js';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { groupDescriptionJson } from '../../client/admin-json.js';
import { renderGroupDescription } from '../../term/group-tables.js';
import { watchPlain } from './watch-plain.js';

const WATCH_INTERVAL_MS = 1000;

export async function watchGroup(name: string, json: boolean, globals: GlobalOptions, io: CliIo): Promise<void> {
  const link = await openTarget(globals, io);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const recover = async (err: unknown) => isConnectionLost(err) && (await link.reconnect(err, controller.signal));
  try {
    // A group that does not exist fails at once (exit 1), before anything is watched.
    const first = await link.admin.describeGroup(name);
    if (!json && liveViewEnabled(io)) {
      link.onEvent = () => undefined; // the view shows the wait itself
      const { watchGroupLive } = await import('../../ui/group-view.js');
      await watchGroupLive(() => link.admin.describeGroup(name), WATCH_INTERVAL_MS, io, controller.signal, recover);
      return;
    }
    const render = (d: GroupDescription) => (json ? JSON.stringify(groupDescriptionJson(d)) + '\n' : renderGroupDescription(d));
    let pending: GroupDescription | null = first;
    const next = async (): Promise<string> => {
      if (pending !== null) {
        const d = pending;
        pending = null;
        return render(d);
      }
      for (;;) {
        try {
          return render(await link.admin.describeGroup(name));
        } catch (err) {
          if (!(await recover(err))) throw err;
        }
      }
    };
    await watchPlain(io.stdout, next, json ? '' : '\n', WATCH_INTERVAL_MS, controller.signal);
  } catch (err) {
    // Ctrl-C while waiting for a lost broker is a clean stop.
    if (!(controller.signal.aborted && isConnectionLost(err))) throw err;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort(); // q in the live view ends it while a reconnect may still be waiting
    await link.close();
  }
}
