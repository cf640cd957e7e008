// Field checks for JSON message bodies coming from the peer: a request that does not have the
// shape its kind promises is refused with InvalidRequest instead of being half-processed.
import { ErrorCode } from '../common/error-codes.js';
import { SpoolError } from '../common/errors.js';

export type JsonObject = Record<string, unknown>;

function invalid(message: string): SpoolError {
  return new SpoolError(`invalid request: ${message}`, { code: ErrorCode.InvalidRequest });
}

export function asObject(value: unknown, what = 'body'): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} is not an object`);
  return value as JsonObject;
}

export function stringField(o: JsonObject, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw invalid(`${key} is not a string`);
  return v;
}

export function optionalStringField(o: JsonObject, key: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : stringField(o, key);
}

export function intField(o: JsonObject, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(`${key} is not an integer`);
  return v;
}

export function optionalIntField(o: JsonObject, key: string): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : intField(o, key);
}

export function boolField(o: JsonObject, key: string): boolean {
  const v = o[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalid(`${key} is not a boolean`);
  return v;
}

export function stringArrayField(o: JsonObject, key: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(`${key} is not a list of strings`);
  return v as string[];
}

export function intArrayField(o: JsonObject, key: string): number[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isSafeInteger(x))) {
    throw invalid(`${key} is not a list of integers`);
  }
  return v as number[];
}

export function stringMapField(o: JsonObject, key: string): Record<string, string> {
  const v = o[key];
  if (v === undefined || v === null) return {};
  const m = asObject(v, key);
  for (const [k, x] of Object.entries(m)) if (typeof x !== 'string') throw invalid(`${key}.${k} is not a string`);
  return m as Record<string, string>;
}
