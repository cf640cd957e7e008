// Kafka's ConfigResource types, as DescribeConfigs, AlterConfigs and IncrementalAlterConfigs use them.
export const ResourceType = { Topic: 2, Broker: 4, BrokerLogger: 8 } as const;

/** A broker resource names node 0, or is empty (the cluster-wide default). */
export function isThisBroker(name: string): boolean {
  return name === '' || name === '0';
}
