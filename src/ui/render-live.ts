// Live terminal views: whether one may be shown (stdout a TTY and not CI, as Vite decides), and
// mounting an ink view on the CLI's streams until it exits. ink is loaded here on first use, so
// importing this file costs nothing; views themselves are imported lazily by their commands.
import type { ReactNode } from 'react';
import type { CliIo } from '../term/io.js';

/** A live view only on a terminal, and never under CI (its logs are not terminals). */
export function liveViewEnabled(io: CliIo): boolean {
  return io.stdout.isTTY === true && !isTruthyEnv(io.env.CI);
}

/**
 * Render `view` with ink until it exits (q or Ctrl-C inside the view) or `signal` aborts (a
 * SIGINT/SIGTERM from outside). An error the view exits with is thrown from here.
 */
export async function renderLive(view: ReactNode, io: CliIo, signal: AbortSignal): Promise<void> {
  const { render } = await import('ink');
  const instance = render(view, {
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
    stdin: io.stdin as NodeJS.ReadStream,
    exitOnCtrlC: true,
    patchConsole: false,
  });
  const onAbort = () => instance.unmount();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await instance.waitUntilExit();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function isTruthyEnv(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
