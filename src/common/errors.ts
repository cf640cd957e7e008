// The error classes every layer throws. A SpoolError carries the exit code the CLI uses and a
// message written for the user (one line, says what went wrong and what to do); anything that is
// not a SpoolError is a bug and is reported as such by the one error printer in cli/main.ts.
import { ErrorCode } from './error-codes.js';
import { ExitCode } from './exit-codes.js';

export interface SpoolErrorOptions {
  exitCode?: ExitCode;
  /** The protocol error code a broker answers with when this error ends a request. */
  code?: ErrorCode;
  retriable?: boolean;
  cause?: unknown;
}

export class SpoolError extends Error {
  readonly exitCode: ExitCode;
  readonly retriable: boolean;
  readonly code: ErrorCode;

  constructor(message: string, options: SpoolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? ExitCode.Runtime;
    this.retriable = options.retriable ?? false;
    this.code = options.code ?? ErrorCode.UnknownServerError;
  }
}

/** A bad flag, argument or value, found before anything was sent (exit 2). */
export class UsageError extends SpoolError {
  constructor(message: string) {
    super(message, { exitCode: ExitCode.Usage });
  }
}

/** No broker answers on the socket and none may be started (exit 3). */
export class BrokerUnavailableError extends SpoolError {
  constructor(message: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.NoBroker, cause });
  }
}

/** The peer broke the framing or message grammar; the connection cannot be trusted any more. */
export class ProtocolError extends SpoolError {}

/** A buffer ended before the structure it holds did. */
export class TruncatedError extends ProtocolError {}

/** Bytes of a record batch that fail a length, magic or CRC check. */
export class CorruptBatchError extends SpoolError {
  constructor(message: string) {
    super(message, { code: ErrorCode.CorruptMessage });
  }
}

/** The broker refused a request with `code` (common/error-codes.ts). */
export class BrokerError extends SpoolError {
  constructor(code: ErrorCode, message: string, retriable = false) {
    super(message, { code, retriable });
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A fetch or seek asked for an offset outside [logStartOffset, logEndOffset]. */
export class OffsetOutOfRangeError extends SpoolError {
  readonly logStartOffset: number;
  readonly logEndOffset: number;

  constructor(offset: number, logStartOffset: number, logEndOffset: number) {
    super(`offset ${offset} is outside the log [${logStartOffset}, ${logEndOffset}]`, { code: ErrorCode.OffsetOutOfRange });
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }
}

/** A write to a segment file failed (ENOSPC, EIO, ...); nothing of the failed append is kept. */
export class StorageWriteError extends SpoolError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: ErrorCode.StorageError, cause: options.cause });
  }
}
