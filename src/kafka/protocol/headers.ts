// Request and response headers, and whole frames (int32 size + header + body), for both ends.
//
//   Request Header v0 => request_api_key:int16 request_api_version:int16 correlation_id:int32
//   Request Header v1 => v0 + client_id:nullable_string (int16 length, never compact)
//   Request Header v2 => v1 + tagged fields                     (flexible API versions)
//   Response Header v0 => correlation_id:int32
//   Response Header v1 => v0 + tagged fields                    (flexible API versions)
//
// The header version follows from whether the API version is flexible, with one exception:
// an ApiVersions response always uses header v0, because the client cannot know yet whether the
// broker speaks the flexible form (KIP-511). A request for an API key or version spool does not
// serve is recognised from the first eight bytes and the client id, without touching the body.
import type { ApiSchema } from './schema.js';
import { inVersions } from './schema.js';
import { decodeBody, encodeFields } from './codec.js';
import { KafkaProtocolError } from './kafka-protocol-error.js';
import { WireReader } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';
import { KAFKA_APIS } from './apis/index.js';

const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** Where the body starts in the frame. */
  readonly bodyOffset: number;
  /** The API's schema, or null for an API key spool does not serve. */
  readonly schema: ApiSchema | null;
  /** Whether the schema is known and apiVersion is one of its valid versions. */
  readonly supported: boolean;
}

export interface DecodedResponse<T> {
  readonly correlationId: number;
  readonly body: T;
}

export function isFlexible(schema: ApiSchema, version: number): boolean {
  return inVersions(schema.flexibleVersions, version);
}

export function isSupported(schema: ApiSchema, version: number): boolean {
  return inVersions(schema.validVersions, version);
}

export function requestHeaderVersion(schema: ApiSchema, version: number): 1 | 2 {
  return isFlexible(schema, version) ? 2 : 1;
}

export function responseHeaderVersion(schema: ApiSchema, version: number): 0 | 1 {
  if (schema.apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(schema, version) ? 1 : 0;
}

/** Reads the header of a request frame (the bytes after the 4-byte size). */
export function readRequestHeader(frame: Buffer, apis: ReadonlyMap<number, ApiSchema> = KAFKA_APIS): RequestHeader {
  const r = new WireReader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  const schema = apis.get(apiKey) ?? null;
  const supported = schema !== null && isSupported(schema, apiVersion);
  // A request spool does not serve is only ever refused, and the client id is all that is needed
  // for that: its tagged fields are not read (the client may not have sent any). ApiVersions is
  // the exception: a newer version is answered, and is sent with header v2 (KIP-511).
  if (schema !== null && apiVersion >= 0 && isFlexible(schema, apiVersion) && (supported || apiKey === API_VERSIONS_KEY)) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId, bodyOffset: r.position, schema, supported };
}

/** Decodes a request body; the version must be one the schema accepts. */
export function decodeRequest<T extends object>(schema: ApiSchema, version: number, frame: Buffer, bodyOffset: number): T {
  if (!isSupported(schema, version)) throw new KafkaProtocolError(`${schema.name} v${version} is not supported (valid: ${schema.validVersions})`);
  return decodeBody(schema.request, version, isFlexible(schema, version), frame, bodyOffset) as T;
}

/** A whole response frame: int32 size, response header, body. */
export function encodeResponse(schema: ApiSchema, version: number, correlationId: number, body: object): Buffer[] {
  const w = new WireWriter();
  const size = w.reserveInt32();
  w.int32(correlationId);
  if (responseHeaderVersion(schema, version) === 1) w.uvarint(0);
  encodeFields(schema.response, version, isFlexible(schema, version), body, w);
  w.fillInt32(size, w.length - 4);
  return w.finish();
}

/** A whole request frame: int32 size, request header (v1 or v2), body. */
export function encodeRequest(schema: ApiSchema, version: number, correlationId: number, clientId: string | null, body: object): Buffer[] {
  const w = new WireWriter();
  const size = w.reserveInt32();
  w.int16(schema.apiKey);
  w.int16(version);
  w.int32(correlationId);
  w.nullableString(clientId);
  if (requestHeaderVersion(schema, version) === 2) w.uvarint(0);
  encodeFields(schema.request, version, isFlexible(schema, version), body, w);
  w.fillInt32(size, w.length - 4);
  return w.finish();
}

/** Decodes a response frame (the bytes after the 4-byte size) to a request of `version`. */
export function decodeResponse<T extends object>(schema: ApiSchema, version: number, frame: Buffer): DecodedResponse<T> {
  const r = new WireReader(frame);
  const correlationId = r.int32();
  if (responseHeaderVersion(schema, version) === 1) r.skipTaggedFields();
  return { correlationId, body: decodeBody(schema.response, version, isFlexible(schema, version), frame, r.position) as T };
}
