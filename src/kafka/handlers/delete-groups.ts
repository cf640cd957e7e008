// DeleteGroups: empty groups go with their committed offsets, under the same rule as `spool
// group delete` (NON_EMPTY_GROUP while members remain, whichever protocol they speak).
import { ErrorCode } from '../../common/error-codes.js';
import { SpoolError } from '../../common/errors.js';
import { kafkaApi } from '../kafka-handler.js';
import { DELETE_GROUPS, type DeleteGroupsRequest, type DeleteGroupsResponse } from '../protocol/apis/delete-groups.js';

export const deleteGroupsApi = kafkaApi<DeleteGroupsRequest, DeleteGroupsResponse>(DELETE_GROUPS, (ctx, request) => ({
  throttleTimeMs: 0,
  results: request.groupsNames.map((groupId) => {
    try {
      ctx.broker.groupDirectory.delete(groupId);
      ctx.broker.logger.info(`deleted group ${groupId} (for a Kafka client)`);
      return { groupId, errorCode: ErrorCode.None };
    } catch (err) {
      if (!(err instanceof SpoolError)) throw err;
      return { groupId, errorCode: err.code };
    }
  }),
}));
