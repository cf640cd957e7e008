// SaslAuthenticate: one token of the exchange SaslHandshake began. A wrong user name or
// password is answered SASL_AUTHENTICATION_FAILED and the connection is closed. The log says
// who authenticated, never with what.
import { ErrorCode } from '../../common/error-codes.js';
import type { KafkaContext, KafkaSession } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import { SASL_AUTHENTICATE, type SaslAuthenticateRequest, type SaslAuthenticateResponse } from '../protocol/apis/sasl-authenticate.js';
import { SaslFailure, type SaslStep } from '../sasl/sasl-exchange.js';

export const saslAuthenticateApi = kafkaApi<SaslAuthenticateRequest, SaslAuthenticateResponse>(SASL_AUTHENTICATE, async (ctx, request, _version, session) => {
  const sasl = session.sasl;
  if (sasl === null || sasl.exchange === null || sasl.rawTokens) {
    session.closeAfterResponse();
    return failed(ErrorCode.IllegalSaslState, 'SaslAuthenticate without a SaslHandshake v1 before it');
  }
  let step: SaslStep;
  try {
    step = await saslStep(ctx, session, request.authBytes);
  } catch (err) {
    if (!(err instanceof SaslFailure)) throw err;
    session.closeAfterResponse();
    return failed(ErrorCode.SaslAuthenticationFailed, err.message);
  }
  return { errorCode: ErrorCode.None, errorMessage: null, authBytes: step.response, sessionLifetimeMs: 0 };
});

/** One step, logging the outcome; shared with the raw-token flow of a v0 handshake. */
export async function saslStep(ctx: KafkaContext, session: KafkaSession, token: Buffer): Promise<SaslStep> {
  const sasl = session.sasl!;
  const mechanism = sasl.mechanism ?? '?';
  try {
    const step = await sasl.exchange!.step(token);
    if (step.user !== null) {
      sasl.complete(step.user);
      ctx.broker.logger.info(`kafka connection ${session.id} (${session.clientHost}): authenticated as "${step.user}" with ${mechanism}`);
    }
    return step;
  } catch (err) {
    if (err instanceof SaslFailure) ctx.broker.logger.warn(`kafka connection ${session.id} (${session.clientHost}): ${mechanism} authentication failed`);
    throw err;
  }
}

function failed(errorCode: number, errorMessage: string): SaslAuthenticateResponse {
  return { errorCode, errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
}
