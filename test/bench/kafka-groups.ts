// Kafka consumer groups through the Kafka listener (a short section): how long a kafkajs group of
// three takes to hand a cleanly leaving member's partitions to the other two, beside the same
// figure for `spool consume -g`; and group consumption through Kafka (one kafkajs member)
// against plain `spool consume -e` on the same 6-partition topic of 200,000 x 100 B.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Admin } from '../../src/client/admin.js';
import { Connection } from '../../src/client/connection.js';
import { SPOOL_BIN, fmtRate, median, startBroker, timeSpool, type BenchBroker, type Row } from './bench-kit.js';
import { rebalanceTimes, until } from './groups.js';
import { writeLines } from './throughput.js';

const TOPIC = 'kg6';
const COUNT = 200_000;
const REBALANCE_RUNS = 3;

export async function benchKafkaGroups(scratch: string): Promise<Row[]> {
  const broker = startBroker(['--kafka', '127.0.0.1:0']);
  try {
    const status = JSON.parse(spawnSync(process.execPath, [SPOOL_BIN, 'broker', 'status', '--json'], { env: broker.env, encoding: 'utf8' }).stdout) as { kafka: string };
    const kafka = new Kafka({ brokers: [status.kafka], clientId: 'bench', logLevel: logLevel.NOTHING });
    const file = join(scratch, 'kafka-group-lines.txt');
    writeLines(file, COUNT, 100);
    spawnSync(process.execPath, [SPOOL_BIN, 'topic', 'create', TOPIC, '-p', '6'], { env: broker.env });
    const fd = openSync(file, 'r');
    try {
      await timeSpool(['produce', TOPIC, '--quiet'], broker.env, [fd, 'ignore', 'pipe']);
    } finally {
      closeSync(fd);
    }
    const kafkajsRebalance = await kafkajsRebalanceTimes(kafka, broker);
    const spoolRebalance = await rebalanceTimes(broker, TOPIC, REBALANCE_RUNS);
    const plainMs = await timeToDevNull(['consume', TOPIC, '-e'], broker);
    const spoolGroupMs = await timeToDevNull(['consume', TOPIC, '-e', '-g', 'bench-spool'], broker);
    const kafkajsMs = await kafkajsGroupConsume(kafka);
    const rate = (ms: number) => `${fmtRate((COUNT / ms) * 1000)} msgs/s`;
    return [
      { name: 'kafkajs group of 3: rebalance after a clean leave', figure: `${median(kafkajsRebalance).toFixed(0)} ms median`, target: '< 500 ms', note: `runs: ${kafkajsRebalance.map((ms) => ms.toFixed(0)).join(', ')} ms; heartbeat 100 ms` },
      { name: 'spool consume -g group of 3: the same', figure: `${median(spoolRebalance).toFixed(0)} ms median`, target: '< 500 ms', note: `runs: ${spoolRebalance.map((ms) => ms.toFixed(0)).join(', ')} ms` },
      { name: `spool consume -e, 6 partitions, ${COUNT / 1000}k x 100 B`, figure: rate(plainMs), target: '(baseline)' },
      { name: 'spool consume -g -e, one member', figure: rate(spoolGroupMs), target: '(for comparison)', note: `${((plainMs / spoolGroupMs) * 100).toFixed(0)}% of plain` },
      { name: 'kafkajs group member through --kafka', figure: rate(kafkajsMs), target: '(for comparison)', note: `${((plainMs / kafkajsMs) * 100).toFixed(0)}% of plain; kafkajs decodes in JS` },
    ];
  } finally {
    broker.stop();
  }
}

async function kafkajsRebalanceTimes(kafka: Kafka, broker: BenchBroker): Promise<number[]> {
  const connection = await Connection.connect(join(broker.dataDir, 'spool.sock'));
  const admin = new Admin(connection);
  const times: number[] = [];
  try {
    for (let run = 0; run < REBALANCE_RUNS; run++) {
      const group = `kafkajs-rebalance-${run}`;
      const members: Consumer[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const c = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
          await c.connect();
          await c.subscribe({ topic: TOPIC, fromBeginning: false });
          await c.run({ eachMessage: async () => undefined });
          members.push(c);
        }
        await until(admin, group, (d) => d.state === 'stable' && d.members.length === 3 && d.members.every((m) => m.assignment.length === 2));
        const leaving = members.shift()!;
        const started = performance.now();
        await leaving.disconnect();
        await until(admin, group, (d) => d.state === 'stable' && d.members.length === 2 && d.members.reduce((n, m) => n + m.assignment.length, 0) === 6);
        times.push(performance.now() - started);
      } finally {
        for (const m of members) await m.disconnect();
      }
    }
  } finally {
    connection.close();
  }
  return times;
}

/** One kafkajs member of a new group reads the whole topic; the time from run() to the last record. */
async function kafkajsGroupConsume(kafka: Kafka): Promise<number> {
  const consumer = kafka.consumer({ groupId: 'bench-kafkajs', maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= COUNT) resolve();
      },
    });
  });
  const elapsed = performance.now() - started;
  await consumer.disconnect();
  return elapsed;
}

async function timeToDevNull(args: string[], broker: BenchBroker): Promise<number> {
  const devNull = openSync('/dev/null', 'w');
  try {
    return await timeSpool(args, broker.env, ['ignore', devNull, 'pipe']);
  } finally {
    closeSync(devNull);
  }
}
