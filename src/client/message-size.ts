// A message over the topic's max.message.bytes is refused before it is sent (SPEC §7), with the
// same words from `spool produce` (which adds the line number) and from the library.
import { encodedRecordSize } from '../records/batch-builder.js';
import { RECORDS_OFFSET } from '../records/record-batch.js';

/**
 * Record framing adds at most this many bytes of varints to key, value and headers: only messages
 * near the limit need the exact size.
 */
export const MAX_RECORD_FRAMING_BYTES = 22;

/** Why a record of these sizes (-1: null) cannot be sent, or null when it fits. */
export function oversizeProblem(keyLength: number, valueLength: number, headersLength: number, maxMessageBytes: number): string | null {
  if (RECORDS_OFFSET + MAX_RECORD_FRAMING_BYTES + keyLength + valueLength + headersLength <= maxMessageBytes) return null;
  const batchBytes = RECORDS_OFFSET + encodedRecordSize(0, 0, keyLength, valueLength, headersLength);
  if (batchBytes <= maxMessageBytes) return null;
  const messageBytes = Math.max(keyLength, 0) + Math.max(valueLength, 0) + headersLength - 1;
  const detail = messageBytes > maxMessageBytes ? '' : ` with its ${batchBytes - messageBytes} bytes of record batch framing`;
  return `message is ${messageBytes} bytes${detail}, over max.message.bytes ${maxMessageBytes}`;
}

/** A compacted topic keeps the latest record per key: every record needs one. */
export function isCompacted(cleanupPolicy: string): boolean {
  return cleanupPolicy.includes('compact');
}

/** Why a keyless record cannot go to a compacted topic; `how` says how to give keys. */
export function missingKeyProblem(topic: string, cleanupPolicy: string, how: string): string {
  return `topic ${topic} is compacted (cleanup.policy ${cleanupPolicy}) and needs a key on every message; ${how}`;
}
