// The authorized-operations bit sets Kafka clients may ask for. spool has no ACLs: whoever may
// connect may do everything, so when asked it answers with every operation of the resource.
// Kafka's AclOperation codes: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8,
// CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12.

/** What Kafka sends when the operations were not asked for. */
export const OPERATIONS_NOT_REQUESTED = -2147483648;

const bits = (...ops: number[]) => ops.reduce((set, op) => set | (1 << op), 0);

export const TOPIC_OPERATIONS = bits(3, 4, 5, 6, 7, 8, 10, 11);
export const CLUSTER_OPERATIONS = bits(5, 7, 8, 9, 10, 11, 12);
export const GROUP_OPERATIONS = bits(3, 6, 8);

export function authorizedOperations(requested: boolean, all: number): number {
  return requested ? all : OPERATIONS_NOT_REQUESTED;
}
