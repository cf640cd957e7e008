// SaslHandshake (key 17): the client names the SASL mechanism it wants; the answer lists the ones
// the broker has enabled. From v1 the SASL exchange that follows is framed as SaslAuthenticate
// requests; a v0 handshake is followed by raw, length-prefixed SASL tokens outside Kafka's framing.
//
// From Apache Kafka's SaslHandshakeRequest.json / Response.json (4.2): 0-1, neither flexible.

import type { ApiSchema } from '../schema.js';

export const SASL_HANDSHAKE: ApiSchema = {
  apiKey: 17,
  name: 'SaslHandshake',
  validVersions: '0-1',
  flexibleVersions: 'none',
  request: [{ name: 'mechanism', type: 'string', versions: '0+' }],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: { arrayOf: 'string' }, versions: '0+' },
  ],
};

export interface SaslHandshakeRequest {
  /** e.g. "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512". */
  mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: string[];
}
