// Errors of the Kafka client library, turned into spool's: a cluster that cannot be reached is
// BrokerUnavailableError (exit 3, naming the addresses tried), a refused login says so (exit 1),
// and an error code from a broker becomes a BrokerError with that code, so the callers can give
// the same messages as for the local broker. The library nests errors (MultipleErrors holding
// the attempts' errors, causes); the first that says something definite wins.
import { ErrorCode, errorCodeInfo } from '../../../common/error-codes.js';
import { BrokerError, BrokerUnavailableError, SpoolError, errorMessage } from '../../../common/errors.js';

interface LibraryError {
  code?: unknown;
  apiCode?: unknown;
  apiId?: unknown;
  serverErrorMessage?: unknown;
  errors?: unknown;
  cause?: unknown;
  message?: unknown;
}

/** Every error nested in `err` (itself first), depth first. */
function* nested(err: unknown, depth = 0): Generator<LibraryError> {
  if (typeof err !== 'object' || err === null || depth > 8) return;
  const e = err as LibraryError;
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* nested(inner, depth + 1);
  if (e.cause !== undefined) yield* nested(e.cause, depth + 1);
}

/** The Kafka error code a broker answered with, if any; with its message. */
export function kafkaErrorCode(err: unknown): { code: number; message: string | null } | null {
  for (const e of nested(err)) {
    if (typeof e.apiCode === 'number' && e.apiCode !== 0) {
      return { code: e.apiCode, message: typeof e.serverErrorMessage === 'string' && e.serverErrorMessage !== '' ? e.serverErrorMessage : null };
    }
  }
  return null;
}

function hasCode(err: unknown, codes: readonly string[]): boolean {
  for (const e of nested(err)) if (typeof e.code === 'string' && codes.includes(e.code)) return true;
  return false;
}

/** The deepest message that is not the library's generic "failed after N retries". */
export function innermostMessage(err: unknown): string {
  let message = errorMessage(err);
  for (const e of nested(err)) {
    if (typeof e.message === 'string' && e.message !== '' && !Array.isArray(e.errors)) message = e.message;
  }
  return message;
}

export function isAuthenticationFailure(err: unknown): boolean {
  const code = kafkaErrorCode(err)?.code;
  return hasCode(err, ['PLT_KFK_AUTHENTICATION']) || code === ErrorCode.SaslAuthenticationFailed || code === ErrorCode.UnsupportedSaslMechanism;
}

export function isUnreachable(err: unknown): boolean {
  return !isAuthenticationFailure(err) && kafkaErrorCode(err) === null && hasCode(err, ['PLT_KFK_NETWORK', 'PLT_KFK_TIMEOUT']);
}

/**
 * A library error as a SpoolError. `messages` gives the text for a broker's error code (the
 * local broker's words); other codes say their Kafka name and the broker's message.
 */
export function fromKafkaError(err: unknown, bootstrap: readonly string[], messages: Partial<Record<number, string>> = {}): SpoolError {
  if (err instanceof SpoolError) return err;
  if (isAuthenticationFailure(err)) {
    return new SpoolError(`authentication failed at ${bootstrap.join(',')}: ${innermostMessage(err)} (check -X sasl.mechanism, sasl.username and sasl.password)`);
  }
  const answered = kafkaErrorCode(err);
  if (answered !== null) {
    if (answered.code === ErrorCode.UnsupportedVersion && messages[answered.code] === undefined) {
      return new SpoolError(
        `the cluster at ${bootstrap.join(',')} refused a request's protocol version (UNSUPPORTED_VERSION): spool's Kafka client needs Kafka 2.4 or later (ApiVersions v3)`,
      );
    }
    const text = messages[answered.code] ?? `${errorCodeInfo(answered.code).name}${answered.message === null ? '' : `: ${answered.message}`}`;
    return new BrokerError(answered.code as ErrorCode, text, errorCodeInfo(answered.code).retriable);
  }
  if (isUnreachable(err)) {
    return new BrokerUnavailableError(`no Kafka broker reachable at ${bootstrap.join(',')}: ${innermostMessage(err)}`, err);
  }
  if (hasCode(err, ['PLT_KFK_UNSUPPORTED_API', 'PLT_KFK_UNSUPPORTED'])) {
    return new SpoolError(`the cluster at ${bootstrap.join(',')} does not speak what this client needs: ${innermostMessage(err)}`);
  }
  return new SpoolError(`Kafka client error: ${innermostMessage(err)}`, { cause: err });
}
