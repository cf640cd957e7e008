// LeaveGroup: a member leaves cleanly (after its last commit); its partitions move at once.
//
//   LeaveGroup Request  => { group, memberId }
//   LeaveGroup Response => {}
import { asObject, stringField } from '../validate.js';

export interface LeaveGroupRequest {
  group: string;
  memberId: string;
}

export function parseLeaveGroupRequest(value: unknown): LeaveGroupRequest {
  const o = asObject(value);
  return { group: stringField(o, 'group'), memberId: stringField(o, 'memberId') };
}
