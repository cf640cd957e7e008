// The broker's log: one line per event, `time level message`, to a stream (stderr in the
// foreground; broker.log when started in the background). No colour: it is often a file.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(out: NodeJS.WritableStream, minLevel: LogLevel = 'info'): Logger {
  const log = (level: LogLevel, message: string): void => {
    if (ORDER[level] < ORDER[minLevel]) return;
    out.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`);
  };
  return {
    debug: (m) => log('debug', m),
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m),
  };
}
