// Bodies of the control requests (everything but Produce and Fetch) are one UTF-8 JSON value:
// these requests are rare and small, and JSON keeps them easy to evolve and to read in a capture.
// The hot path (records) never goes through here.
import { ProtocolError } from '../common/errors.js';

export function encodeJsonBody(value: unknown): Buffer[] {
  return [Buffer.from(JSON.stringify(value ?? {}), 'utf8')];
}

export function decodeJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ProtocolError(`message body is not valid JSON: ${(err as Error).message}`);
  }
}
