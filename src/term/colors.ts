// Colour for terminal output: one chalk instance per stream, at the level the environment allows.
// chalk 5's own detection reads FORCE_COLOR and whether the stream is a TTY but not NO_COLOR, so
// the level is decided here: FORCE_COLOR first (as Node's tty.getColorDepth does), then NO_COLOR
// (any non-empty value, no-color.org), then no colour unless the stream is a terminal that is
// not TERM=dumb. Only cli/ and ui/ colour anything.
import { Chalk, supportsColor, supportsColorStderr, type ChalkInstance } from 'chalk';
import type { Writable } from 'node:stream';

export type ColorLevel = 0 | 1 | 2 | 3;

type Stream = Writable & { isTTY?: boolean; fd?: number };

/** The colour level for writing to `stream` under `env`. */
export function colorLevel(stream: Stream, env: NodeJS.ProcessEnv): ColorLevel {
  const forced = forcedLevel(env.FORCE_COLOR);
  if (forced !== null) return forced;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (stream.isTTY !== true || env.TERM === 'dumb') return 0;
  const detected = stream.fd === 2 ? supportsColorStderr : supportsColor;
  return detected === false ? 1 : (Math.max(1, detected.level) as ColorLevel);
}

function forcedLevel(value: string | undefined): ColorLevel | null {
  if (value === undefined) return null;
  if (value === '' || value === 'true') return 1;
  if (value === 'false') return 0;
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? null : (Math.min(Math.max(n, 0), 3) as ColorLevel);
}

/** A chalk that colours only as much as `stream` and `env` allow. */
export function chalkFor(stream: Stream, env: NodeJS.ProcessEnv): ChalkInstance {
  return new Chalk({ level: colorLevel(stream, env) });
}

/** The few styles the tables, status lines and views use, bound to one chalk. */
export interface Palette {
  level: ColorLevel;
  dim: (s: string) => string;
  bold: (s: string) => string;
  header: (s: string) => string;
  time: (s: string) => string;
  position: (s: string) => string;
  key: (s: string) => string;
  good: (s: string) => string;
  warn: (s: string) => string;
  bad: (s: string) => string;
  json: { key: (s: string) => string; string: (s: string) => string; number: (s: string) => string; literal: (s: string) => string; punctuation: (s: string) => string };
}

export function makePalette(chalk: ChalkInstance): Palette {
  return {
    level: chalk.level,
    dim: chalk.dim,
    bold: chalk.bold,
    header: chalk.bold,
    time: chalk.gray,
    position: chalk.cyan,
    key: chalk.magenta,
    good: chalk.green,
    warn: chalk.yellow,
    bad: chalk.red,
    json: { key: chalk.blue, string: chalk.green, number: chalk.yellow, literal: chalk.magenta, punctuation: chalk.gray },
  };
}

/** The palette for `stream` (usually stdout) under `env`. */
export function paletteFor(stream: Stream, env: NodeJS.ProcessEnv): Palette {
  return makePalette(chalkFor(stream, env));
}
