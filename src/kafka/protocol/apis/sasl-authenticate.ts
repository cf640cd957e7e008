// SaslAuthenticate (key 36): one step of a SASL exchange (PLAIN: one step; SCRAM: two), after a
// SaslHandshake v1.
//
// Version history, from Apache Kafka's SaslAuthenticateRequest.json / Response.json (4.2):
// v1 adds SessionLifetimeMs (KIP-368: the client must re-authenticate before it runs out; 0 means
// never); v2 is the first flexible version. Nothing was removed in 4.0: 0-2.

import type { ApiSchema } from '../schema.js';

export const SASL_AUTHENTICATE: ApiSchema = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: [{ name: 'authBytes', type: 'bytes', versions: '0+' }],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+' },
  ],
};

export interface SaslAuthenticateRequest {
  authBytes: Buffer;
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs: number;
}
