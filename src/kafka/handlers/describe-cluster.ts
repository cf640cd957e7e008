// DescribeCluster: the cluster id and its one broker, node 0, which is also the controller.
import { ErrorCode } from '../../common/error-codes.js';
import { CLUSTER_OPERATIONS, authorizedOperations } from '../authorized-operations.js';
import { NODE_ID } from '../kafka-context.js';
import { kafkaApi } from '../kafka-handler.js';
import { DESCRIBE_CLUSTER, type DescribeClusterRequest, type DescribeClusterResponse } from '../protocol/apis/describe-cluster.js';

export const describeClusterApi = kafkaApi<DescribeClusterRequest, DescribeClusterResponse>(DESCRIBE_CLUSTER, (ctx, request) => ({
  throttleTimeMs: 0,
  errorCode: ErrorCode.None,
  errorMessage: null,
  endpointType: request.endpointType,
  clusterId: ctx.clusterId,
  controllerId: NODE_ID,
  brokers: [{ brokerId: NODE_ID, host: ctx.advertised.host, port: ctx.advertised.port, rack: null, isFenced: false }],
  clusterAuthorizedOperations: authorizedOperations(request.includeClusterAuthorizedOperations, CLUSTER_OPERATIONS),
}));
