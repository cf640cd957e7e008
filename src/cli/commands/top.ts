// spool top (SPEC §3 top): a live dashboard of topics and groups on a terminal; with --json or
// when stdout is not a terminal, one snapshot as JSON (two readings `--interval-ms` apart, so
// the rates are real).
import type { Command } from 'commander';
import { liveViewEnabled } from '../../ui/render-live.js';
import { BrokerLink, isConnectionLost } from '../broker-link.js';
import { paletteFor } from '../../term/colors.js';
import { globalOptions } from '../global-options.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { parsePositiveInt } from '../options/numbers.js';
import { subcommand } from '../program.js';
import { TopSampler } from '../top/top-sampler.js';
import { topJson } from '../../term/top-tables.js';

interface TopFlags {
  json?: boolean;
  intervalMs: string;
}

export function registerTop(program: Command, io: CliIo): void {
  subcommand(program, 'top', 'a live dashboard of topics (records/s in and out, bytes, end offsets) and groups (state, members, lag)')
    .option('--json', 'print one snapshot as JSON and exit (also when stdout is not a terminal)')
    .option('--interval-ms <n>', 'refresh period, and the time rates are measured over', '1000')
    .addHelpText(
      'after',
      `
Examples:
  spool top                                   refresh every second until q or Ctrl-C
  spool top --json | jq '.topics[] | {name, messagesInPerSec}'
  spool top --json --interval-ms 5000         rates over five seconds`,
    )
    .action(async (flags: TopFlags, command: Command) => {
      const intervalMs = parsePositiveInt(flags.intervalMs, '--interval-ms');
      const globals = globalOptions(command, io);
      const link = await BrokerLink.open(globals, io);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const sampler = new TopSampler(link);
        if (flags.json === true || !liveViewEnabled(io)) {
          await sampler.sample();
          await sleep(intervalMs, abort.signal);
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
        link.close();
      }
    });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
