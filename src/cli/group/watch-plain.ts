// `spool group describe G --watch` when stdout is not a live terminal: the describe output
// again every interval, blocks separated by a blank line (or one JSON line per refresh with
// --json), until the signal aborts or the reader of stdout goes away. No escape sequences.
import type { Writable } from 'node:stream';
import { writeOut } from '../../term/io.js';
import { sleepUnlessAborted } from '../../common/interval-sleep.js';

/** Print `render()` now and then every `intervalMs` until `signal` aborts or stdout fails. */
export async function watchPlain(stdout: Writable, render: () => Promise<string>, separator: string, intervalMs: number, signal: AbortSignal): Promise<void> {
  let closed = false;
  const onError = () => {
    // EPIPE and friends: nobody reads any more; stop quietly.
    closed = true;
  };
  stdout.on('error', onError);
  try {
    for (let first = true; !signal.aborted && !closed; first = false) {
      const text = await render();
      if (signal.aborted) break;
      await writeOut(stdout, first ? text : separator + text)?.catch(onError);
      await sleepUnlessAborted(intervalMs, signal);
    }
  } finally {
    stdout.off('error', onError);
  }
}
