// Heartbeat: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
import { kafkaApi } from '../kafka-handler.js';
import { HEARTBEAT, type HeartbeatRequest, type HeartbeatResponse } from '../protocol/apis/heartbeat.js';

export const heartbeatApi = kafkaApi<HeartbeatRequest, HeartbeatResponse>(HEARTBEAT, (ctx, request) => ({
  throttleTimeMs: 0,
  errorCode: ctx.groups.heartbeat(request),
}));
