// kafka > FindCoordinator: node 0 at the advertised address for groups, one entry per key from
// v4, and TRANSACTIONAL_ID_AUTHORIZATION_FAILED saying spool offers no transactions for a
// transactional id.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode } from '../../../src/common/error-codes.js';
import { findCoordinatorApi } from '../../../src/kafka/handlers/find-coordinator.js';
import type { KafkaContext, KafkaSession } from '../../../src/kafka/kafka-context.js';
import type { FindCoordinatorResponse } from '../../../src/kafka/protocol/apis/find-coordinator.js';

// FindCoordinator reads nothing but the advertised address.
const ctx = { advertised: { host: 'spool.test', port: 19092 } } as unknown as KafkaContext;
const session = {} as unknown as KafkaSession;

function ask(version: number, request: object): FindCoordinatorResponse {
  return findCoordinatorApi.handle(ctx, request, version, session) as FindCoordinatorResponse;
}

describe('kafka > FindCoordinator', () => {
  test('v0-3: the one group key is coordinated by node 0 at the advertised address', () => {
    const r = ask(3, { key: 'g', keyType: 0, coordinatorKeys: [] });
    assert.deepEqual([r.errorCode, r.nodeId, r.host, r.port], [ErrorCode.None, 0, 'spool.test', 19092]);
  });

  test('v4+: one answer per key; a transactional id gets an error saying there are no transactions', () => {
    const groups = ask(4, { key: '', keyType: 0, coordinatorKeys: ['a', 'b'] });
    assert.deepEqual(groups.coordinators.map((c) => [c.key, c.nodeId, c.port, c.errorCode]), [['a', 0, 19092, 0], ['b', 0, 19092, 0]]);
    const txn = ask(4, { key: '', keyType: 1, coordinatorKeys: ['tx'] });
    assert.equal(txn.coordinators[0]!.errorCode, ErrorCode.TransactionalIdAuthorizationFailed);
    assert.match(txn.coordinators[0]!.errorMessage ?? '', /spool offers no Kafka transactions/);
    const old = ask(2, { key: 'tx', keyType: 1, coordinatorKeys: [] });
    assert.equal(old.errorCode, ErrorCode.TransactionalIdAuthorizationFailed);
    assert.equal(ask(4, { key: '', keyType: 2, coordinatorKeys: ['share'] }).coordinators[0]!.errorCode, ErrorCode.InvalidRequest);
    assert.match(old.errorMessage ?? '', /no Kafka transactions/);
  });
});
