// Spinners on stderr (SPEC §3 Global: progress goes to stderr and only when stderr is a TTY):
// ora when stderr is a terminal, not under CI and not --quiet; otherwise a no-op, so callers never
// branch. ora is imported only when a spinner is really shown. stdin is never touched (ora's
// discardStdin would put it in raw mode and eat the lines `spool produce` reads from a terminal).
import type { CliIo } from '../term/io.js';

export interface Spinner {
  /** Replace the text beside the spinner. */
  update(text: string): void;
  /** Remove the spinner line; the caller prints any result itself. */
  stop(): void;
}

const NO_SPINNER: Spinner = { update: () => undefined, stop: () => undefined };

export function spinnersEnabled(io: CliIo, quiet: boolean): boolean {
  return io.stderr.isTTY === true && !quiet && !isTruthyEnv(io.env.CI);
}

/** Start a spinner with `text`, or a no-op one when spinners are off. */
export async function startSpinner(io: CliIo, text: string, options: { quiet?: boolean } = {}): Promise<Spinner> {
  if (!spinnersEnabled(io, options.quiet === true)) return NO_SPINNER;
  const [{ default: ora }, { colorLevel }] = await Promise.all([import('ora'), import('../term/colors.js')]);
  const spinner = ora({
    text,
    stream: io.stderr,
    discardStdin: false,
    isEnabled: true,
    color: colorLevel(io.stderr, io.env) > 0 ? 'cyan' : false,
  }).start();
  let stopped = false;
  return {
    update: (next) => {
      if (!stopped) spinner.text = next;
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      spinner.stop();
    },
  };
}

/**
 * Run `work` with a spinner that appears only if it takes longer than `delayMs`, so quick steps
 * never flash one (and never load ora).
 */
export async function withSpinner<T>(io: CliIo, text: string, options: { quiet?: boolean; delayMs?: number }, work: () => Promise<T>): Promise<T> {
  if (!spinnersEnabled(io, options.quiet === true)) return work();
  let spinner: Spinner | null = null;
  let done = false;
  const timer = setTimeout(() => {
    // Not awaited: the work goes on while ora loads; a spinner that could not start is no loss.
    void startSpinner(io, text, options).then(
      (s) => {
        if (done) s.stop(); // the work ended while ora loaded
        else spinner = s;
      },
      () => undefined,
    );
  }, options.delayMs ?? 0);
  try {
    return await work();
  } finally {
    done = true;
    clearTimeout(timer);
    (spinner as Spinner | null)?.stop();
  }
}

function isTruthyEnv(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export interface Progress {
  stop(): void;
}

/**
 * A spinner for a long run whose text is re-read from `text()` every `intervalMs` (a timer reading
 * counters, so the work itself never waits for the terminal). It appears after `delayMs`.
 */
export function progressSpinner(io: CliIo, options: { quiet?: boolean; delayMs?: number; intervalMs?: number }, text: () => string): Progress {
  if (!spinnersEnabled(io, options.quiet === true)) return { stop: () => undefined };
  let spinner: Spinner | null = null;
  let updater: NodeJS.Timeout | undefined;
  let stopped = false;
  const starter = setTimeout(() => {
    // Not awaited: the work goes on while ora loads; a spinner that could not start is no loss.
    void startSpinner(io, text(), options).then(
      (s) => {
        if (stopped) {
          s.stop();
          return;
        }
        spinner = s;
        updater = setInterval(() => s.update(text()), options.intervalMs ?? 200);
        updater.unref();
      },
      () => undefined,
    );
  }, options.delayMs ?? 1000);
  starter.unref();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(starter);
      clearInterval(updater);
      spinner?.stop();
    },
  };
}
