// spool as a library: a typed tour of connect, producer, consume, topics and groups. It talks to
// the local broker of $SPOOL_HOME (started if none runs), like `spool` in the same shell.
//   npx tsc --module nodenext --moduleResolution nodenext --strict examples/library.ts
import { connect, TopicNotFoundError, type ConsumedRecord, type RecordMetadata, type SpoolClient } from 'spool';

const client: SpoolClient = await connect();
try {
  await client.topics.create('orders', { partitions: 3, configs: { 'retention.ms': 86_400_000 }, ifNotExists: true });

  const producer = client.producer({ lingerMs: 2 });
  const acks: RecordMetadata[] = await producer.send('orders', [
    { key: 'customer-1', value: JSON.stringify({ item: 'book', qty: 1 }), headers: { source: 'web' } },
    { key: 'customer-2', value: Buffer.from('{"item":"pen","qty":3}'), headers: [['source', 'app']] },
    { key: 'customer-1', value: '{"item":"lamp","qty":1}', timestamp: Date.now() },
  ]);
  console.log(`sent ${acks.length} orders to partitions ${acks.map((a) => a.partition).join(',')}`);

  // A member of the group "billing": offsets are committed as the loop receives records.
  const billed = new Map<string, number>();
  for await (const record of client.consume('orders', { group: 'billing', exitAtEnd: true })) {
    const order = JSON.parse(record.value?.toString('utf8') ?? '{}') as { qty: number };
    const customer = record.key?.toString('utf8') ?? 'anonymous';
    billed.set(customer, (billed.get(customer) ?? 0) + order.qty);
    const source: Buffer | undefined = record.headers.find(([key]) => key === 'source')?.[1];
    console.log(`${record.partition}/${record.offset} ${customer} from ${source?.toString() ?? '?'}`);
  }
  for (const [customer, qty] of [...billed].sort()) console.log(`${customer}: ${qty} items`);

  const [group] = (await client.groups.list()).filter((g) => g.group === 'billing');
  console.log(`group billing: ${group?.state}, lag ${group?.lag}`);
  const described = await client.topics.describe('orders');
  console.log(`orders: ${described.partitions.length} partitions, retention.ms ${described.configs['retention.ms']}`);

  // The last record of each partition, then stop: `from: -1` as `spool consume -o -1 -e`.
  const last: ConsumedRecord[] = [];
  for await (const record of client.consume('orders', { from: -1, exitAtEnd: true })) last.push(record);
  console.log(`last records: ${last.length}`);

  try {
    await client.topics.describe('no-such-topic');
  } catch (err) {
    if (!(err instanceof TopicNotFoundError)) throw err;
    console.log(`${err.name}: ${err.message} (exit code ${err.exitCode})`);
  }
} finally {
  await client.close();
}
