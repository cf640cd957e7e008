// SaslHandshake: the client names its mechanism; the answer lists the enabled ones. On a
// listener without SASL, or once a connection has authenticated, it is out of place
// (ILLEGAL_SASL_STATE); an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM. Both close the
// connection after the answer, as Kafka does. After a v0 handshake the exchange follows as raw
// tokens (kafka-connection.ts), from v1 as SaslAuthenticate requests.
import { ErrorCode } from '../../common/error-codes.js';
import { kafkaApi } from '../kafka-handler.js';
import { SASL_HANDSHAKE, type SaslHandshakeRequest, type SaslHandshakeResponse } from '../protocol/apis/sasl-handshake.js';
import { SASL_MECHANISMS } from '../sasl/sasl-state.js';

export const saslHandshakeApi = kafkaApi<SaslHandshakeRequest, SaslHandshakeResponse>(SASL_HANDSHAKE, (ctx, request, version, session) => {
  const sasl = session.sasl;
  if (sasl === null) {
    session.closeAfterResponse();
    return { errorCode: ErrorCode.IllegalSaslState, mechanisms: [] };
  }
  if (sasl.authenticated || sasl.exchange !== null) {
    session.closeAfterResponse();
    return { errorCode: ErrorCode.IllegalSaslState, mechanisms: [...SASL_MECHANISMS] };
  }
  if (!sasl.begin(request.mechanism, version === 0)) {
    ctx.broker.logger.warn(`kafka connection ${session.id} (${session.clientHost}): SASL mechanism "${request.mechanism}" is not offered`);
    session.closeAfterResponse();
    return { errorCode: ErrorCode.UnsupportedSaslMechanism, mechanisms: [...SASL_MECHANISMS] };
  }
  return { errorCode: ErrorCode.None, mechanisms: [...SASL_MECHANISMS] };
});
