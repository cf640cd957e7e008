// OffsetCommit: store the next offset to read for partitions the member owns. Refused
// (IllegalGeneration) when memberEpoch is not the member's current one, and (UnknownMemberId)
// when the member is gone: a stale member must never move a group's offsets.
//
//   OffsetCommit Request  => { group, memberId, memberEpoch, offsets: [{topic, partition, offset}] }
//   OffsetCommit Response => {}
import { asObject, intField, stringField } from '../validate.js';
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

export interface OffsetCommitRequest {
  group: string;
  memberId: string;
  memberEpoch: number;
  offsets: PartitionOffset[];
}

export function parseOffsetCommitRequest(value: unknown): OffsetCommitRequest {
  const o = asObject(value);
  const offsets = o.offsets;
  if (!Array.isArray(offsets)) throw new SpoolError('invalid request: offsets is not a list', { code: ErrorCode.InvalidRequest });
  return {
    group: stringField(o, 'group'),
    memberId: stringField(o, 'memberId'),
    memberEpoch: intField(o, 'memberEpoch'),
    offsets: offsets.map((item) => {
      const p = asObject(item, 'offsets');
      return { topic: stringField(p, 'topic'), partition: intField(p, 'partition'), offset: intField(p, 'offset') };
    }),
  };
}
