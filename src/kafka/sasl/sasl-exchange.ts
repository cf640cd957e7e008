// One SASL exchange on one connection, whichever mechanism: the client's tokens in, the
// server's out, until the client is authenticated or refused. Failures are SaslFailure
// (SASL_AUTHENTICATION_FAILED, the connection is then closed); their messages never hold a
// password or a key.
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';

export interface SaslStep {
  /** The server's token for the client (empty when it has nothing to say). */
  response: Buffer;
  /** The authenticated user once the exchange is complete; null while it goes on. */
  user: string | null;
}

export interface SaslExchange {
  step(token: Buffer): Promise<SaslStep>;
}

export class SaslFailure extends SpoolError {
  constructor(message: string) {
    super(message, { code: ErrorCode.SaslAuthenticationFailed });
  }
}

/** What Kafka says for a wrong user name or password, whichever it was (no user enumeration). */
export function invalidCredentials(mechanism: string): SaslFailure {
  return new SaslFailure(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`);
}
