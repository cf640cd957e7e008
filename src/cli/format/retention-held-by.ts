// The RETENTION column of `spool topic describe`: what keeps each partition's oldest segment
// (protocol/messages/describe-topics.ts RetentionState), in a few words.
import type { RetentionState } from '../../protocol/messages/describe-topics.js';
import { formatTimestamp } from '../../term/human.js';

export function retentionHeldBy(state: RetentionState): string {
  switch (state.heldBy) {
    case 'time':
      return state.expiresMs === null ? 'time (retention.ms -1: kept)' : `time until ${formatTimestamp(state.expiresMs)}`;
    case 'size':
      return 'size (within retention.bytes)';
    case 'group':
      return state.committedOffset === null
        ? `group ${state.group} (nothing committed; segment ends at ${state.segmentEndOffset})`
        : `group ${state.group} at ${state.committedOffset} (segment ends at ${state.segmentEndOffset})`;
    case 'active-segment':
      return 'active segment only';
    case 'compact':
      return '- (compacted, no retention)';
    case null:
      return 'nothing (deleted at the next check)';
    case 'unknown':
      return "- (the cluster's own)";
    default:
      return assertNever(state);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected retention state ${JSON.stringify(value)}`);
}
